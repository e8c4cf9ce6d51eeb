/*
 * The marketer console: plain DOM and fetch against Nudge's admin API, no framework. Every change goes through
 * the same endpoints (and so the same field-level validation) as any other client; the API's field errors are
 * shown next to the form field they name.
 */
(function () {
  'use strict';
  var KEY = 'nudge-admin-key';
  var $ = function (selector) { return document.querySelector(selector); };
  var editing = null; // ruleId of the rule in the form, or null for a new one
  var refreshTimer = null;

  function key() { return sessionStorage.getItem(KEY); }

  function notice(text, isError) {
    var node = $('#notice');
    node.textContent = text;
    node.className = isError ? 'error' : '';
  }

  /** Calls the admin API; rejects with the API's JSON error (status, error, fields). */
  function call(method, path, body) {
    return fetch(path, {
      method: method,
      headers: Object.assign({'Authorization': 'Bearer ' + key()}, body === undefined ? {} : {'Content-Type': 'application/json'}),
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(KEY);
        showKeyForm('That key was refused: the console needs the admin key.');
        return Promise.reject({status: response.status, error: 'refused', fields: []});
      }
      return response.text().then(function (text) {
        var json = text ? JSON.parse(text) : {};
        return response.ok ? json : Promise.reject(json);
      });
    });
  }

  function cell(row, content) {
    var td = document.createElement('td');
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content === undefined || content === null ? '' : String(content); }
    row.appendChild(td);
    return td;
  }

  function button(label, onClick, className) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (className) { b.className = className; }
    b.addEventListener('click', onClick);
    return b;
  }

  function clearErrors(form) {
    form.querySelector('.errors').textContent = '';
    form.querySelectorAll('[aria-invalid]').forEach(function (input) { input.removeAttribute('aria-invalid'); input.removeAttribute('aria-describedby'); });
    form.querySelectorAll('.field-error').forEach(function (node) { node.remove(); });
  }

  /** Puts each field error next to the input whose data-path names it (prefix match); the rest in the list. */
  function showErrors(form, error) {
    clearErrors(form);
    var list = form.querySelector('.errors');
    var fields = (error && error.fields) || [];
    if (fields.length === 0) {
      var li = document.createElement('li');
      li.textContent = (error && error.error) || 'The request failed.';
      list.appendChild(li);
    }
    fields.forEach(function (field, index) {
      var path = field.field.replace(/^rule\./, '');
      // The most specific match: who.minLifetimeValue goes to its input, who.lifecycleStages to the fieldset "who".
      var input = null, longest = -1;
      form.querySelectorAll('[data-path]').forEach(function (candidate) {
        candidate.dataset.path.split(' ').forEach(function (p) {
          if ((path === p || path.indexOf(p + '.') === 0) && p.length > longest) { input = candidate; longest = p.length; }
        });
      });
      if (input) {
        var message = document.createElement('span');
        message.className = 'field-error';
        message.id = form.id + '-error-' + index;
        message.textContent = field.message;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', message.id);
        (input.tagName === 'FIELDSET' ? input : input.parentNode).appendChild(message);
      } else {
        var item = document.createElement('li');
        item.textContent = field.field + ': ' + field.message;
        list.appendChild(item);
      }
    });
    var first = form.querySelector('[aria-invalid="true"]');
    (first || list).focus && (first || list).focus();
  }

  // ---- Rules ----------------------------------------------------------------------------------------------

  function loadRules() {
    return Promise.all([call('GET', '/v1/admin/rules'), call('GET', '/v1/admin/outreach/activity')]).then(function (results) {
      var rules = results[0].rules, activity = results[1];
      var body = $('#rules-table tbody');
      body.textContent = '';
      rules.forEach(function (rule) {
        var hour = activity.lastHour[rule.ruleId] || {}, day = activity.lastDay[rule.ruleId] || {};
        var row = document.createElement('tr');
        row.dataset.ruleId = rule.ruleId;
        cell(row, rule.definition.name + ' (' + rule.ruleId + ')');
        cell(row, rule.status);
        cell(row, rule.version);
        cell(row, counts(hour, 'hour'));
        cell(row, counts(day, 'day'));
        var actions = document.createElement('span');
        actions.appendChild(button('Edit', function () { editRule(rule); }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button(rule.status === 'active' ? 'Pause' : 'Resume', function () {
          call('POST', '/v1/admin/rules/' + encodeURIComponent(rule.ruleId) + (rule.status === 'active' ? '/pause' : '/resume'))
            .then(function () { notice('Rule ' + rule.ruleId + (rule.status === 'active' ? ' paused.' : ' resumed.')); return loadRules(); })
            .catch(function (e) { notice(e.error || 'failed', true); });
        }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('History', function () { showHistory(rule.ruleId); }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('Delete', function () {
          if (confirm('Delete rule ' + rule.ruleId + '? Customers waiting on it will not be contacted.')) {
            call('DELETE', '/v1/admin/rules/' + encodeURIComponent(rule.ruleId))
              .then(function () { notice('Rule ' + rule.ruleId + ' deleted.'); return loadRules(); })
              .catch(function (e) { notice(e.error || 'failed', true); });
          }
        }, 'danger'));
        cell(row, actions);
        body.appendChild(row);
      });
      if (rules.length === 0) {
        var empty = document.createElement('tr');
        cell(empty, 'No rules yet.').colSpan = 6;
        body.appendChild(empty);
      }
    }).catch(function (e) { notice('Could not load the rules: ' + (e.error || e), true); });
  }

  /** "sent / suppressed / deferred", each number in a span classed by status and window (sent-hour, ...). */
  function counts(byStatus, window) {
    var node = document.createElement('span');
    [['send', 'sent'], ['suppressed', 'suppressed'], ['deferred', 'deferred']].forEach(function (status, i) {
      if (i > 0) { node.appendChild(document.createTextNode(' / ')); }
      var count = document.createElement('span');
      count.className = status[1] + '-' + window;
      count.textContent = String(byStatus[status[0]] || 0);
      node.appendChild(count);
    });
    return node;
  }

  function showRuleKind() {
    var kind = $('#rule-form [name=kind]').value;
    $('#rule-form').querySelectorAll('.fields label[class]').forEach(function (label) {
      if (label.classList.contains('inline')) { return; }
      label.hidden = !label.classList.contains('for-' + kind);
    });
  }

  function match(type, category) {
    var m = {type: type};
    if (category) { m.where = {category: category}; }
    return m;
  }

  /** The rule document the form describes, as POST /v1/admin/rules takes it. */
  function ruleFromForm() {
    var f = $('#rule-form').elements;
    var kind = f.kind.value, when = {kind: kind};
    if (kind === 'event') { when.event = match(f.firstType.value.trim(), f.category.value.trim()); }
    if (kind === 'absence') { when.first = match(f.firstType.value.trim(), f.category.value.trim()); when.absent = match(f.secondType.value.trim()); when.within = f.within.value.trim(); }
    if (kind === 'sequence') { when.first = match(f.firstType.value.trim(), f.category.value.trim()); when.then = match(f.secondType.value.trim()); when.within = f.within.value.trim(); }
    if (kind === 'count') { when.event = match(f.firstType.value.trim(), f.category.value.trim()); when.atLeast = Number(f.atLeast.value); when.within = f.within.value.trim(); }
    if (kind === 'inactivity') { when.noVisitFor = f.noVisitFor.value.trim(); }
    if (kind === 'price_drop') { when.atLeastPercent = Number(f.atLeastPercent.value); }
    if (kind === 'churn_risk') { when.atLeast = Number(f.riskAtLeast.value); }
    if (kind === 'purchase_due' && f.dueAfter.value.trim() !== '') { when.after = f.dueAfter.value.trim(); }
    if (kind === 'price_drop' || kind === 'back_in_stock') { when.interest = f.interest.value; when.within = f.within.value.trim(); }
    var rule = {name: f.name.value.trim(), when: when, then: {channel: f.channel.value, templateId: f.templateId.value.trim(), attachOffer: f.attachOffer.checked}};
    var stages = Array.from($('#rule-form').querySelectorAll('input[name=stage]:checked')).map(function (box) { return box.value; });
    if (stages.length > 0 || f.minLifetimeValue.value !== '') {
      rule.who = {};
      if (stages.length > 0) { rule.who.lifecycleStages = stages; }
      if (f.minLifetimeValue.value !== '') { rule.who.minLifetimeValue = Number(f.minLifetimeValue.value); }
    }
    if (f.priority.value !== '') { rule.priority = Number(f.priority.value); }
    return rule;
  }

  function newRule() {
    editing = null;
    var form = $('#rule-form');
    form.reset();
    clearErrors(form);
    form.elements.ruleId.disabled = false;
    $('#rule-form-title').textContent = 'New rule';
    $('#backtest-result').hidden = true;
    form.hidden = false;
    showRuleKind();
    form.elements.ruleId.focus();
  }

  function editRule(rule) {
    newRule();
    editing = rule.ruleId;
    var f = $('#rule-form').elements, d = rule.definition, when = d.when || {};
    $('#rule-form-title').textContent = 'Edit rule ' + rule.ruleId + ' (version ' + rule.version + ')';
    f.ruleId.value = rule.ruleId;
    f.ruleId.disabled = true;
    f.name.value = d.name || '';
    f.priority.value = d.priority === undefined ? '' : d.priority;
    f.kind.value = when.kind || 'event';
    var first = when.event || when.first || {};
    f.firstType.value = first.type || '';
    f.category.value = (first.where && first.where.category) || '';
    f.secondType.value = ((when.absent || when.then) || {}).type || '';
    f.within.value = when.within || '';
    f.atLeast.value = when.atLeast || 3;
    f.noVisitFor.value = when.noVisitFor || '';
    f.atLeastPercent.value = when.atLeastPercent || 10;
    f.interest.value = when.interest || 'viewed';
    f.riskAtLeast.value = when.kind === 'churn_risk' ? when.atLeast : 0.7;
    f.dueAfter.value = when.after || '';
    f.channel.value = (d.then || {}).channel || 'web';
    f.templateId.value = (d.then || {}).templateId || '';
    f.attachOffer.checked = !!(d.then || {}).attachOffer;
    var who = d.who || {};
    $('#rule-form').querySelectorAll('input[name=stage]').forEach(function (box) { box.checked = (who.lifecycleStages || []).indexOf(box.value) >= 0; });
    f.minLifetimeValue.value = who.minLifetimeValue === undefined ? '' : who.minLifetimeValue;
    showRuleKind();
  }

  function saveRule(event) {
    event.preventDefault();
    var form = $('#rule-form'), rule = ruleFromForm();
    var request = editing
      ? call('PUT', '/v1/admin/rules/' + encodeURIComponent(editing), rule)
      : call('POST', '/v1/admin/rules', Object.assign({ruleId: form.elements.ruleId.value.trim()}, rule));
    request.then(function (saved) {
      clearErrors(form);
      form.hidden = true;
      notice('Rule ' + saved.ruleId + ' saved as version ' + saved.version + '; it is live within seconds.');
      return loadRules();
    }).catch(function (error) { showErrors(form, error); });
  }

  function backtest() {
    var form = $('#rule-form');
    notice('Backtesting on the last 7 days of events ...');
    call('POST', '/v1/admin/backtest', {rule: ruleFromForm()}).then(function (result) {
      clearErrors(form);
      drawBacktest(result);
      notice('Backtest done: ' + result.events.toLocaleString() + ' events.');
    }).catch(function (error) { notice('The draft rule has problems.', true); showErrors(form, error); });
  }

  function drawBacktest(result) {
    var svg = $('#backtest-chart'), ns = 'http://www.w3.org/2000/svg';
    svg.textContent = '';
    var days = everyDay(result), max = Math.max.apply(null, [1].concat(days.map(function (d) { return d.customersContacted; })));
    var width = 640, height = 180, bottom = 24, slot = days.length ? width / days.length : width;
    days.forEach(function (day, i) {
      var h = (height - bottom - 16) * day.customersContacted / max;
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(i * slot + slot * 0.15));
      rect.setAttribute('y', String(height - bottom - h));
      rect.setAttribute('width', String(slot * 0.7));
      rect.setAttribute('height', String(h));
      rect.setAttribute('data-day', day.day);
      rect.setAttribute('data-contacts', String(day.customersContacted));
      svg.appendChild(rect);
      var value = document.createElementNS(ns, 'text');
      value.setAttribute('x', String(i * slot + slot / 2));
      value.setAttribute('y', String(height - bottom - h - 3));
      value.setAttribute('text-anchor', 'middle');
      value.textContent = String(day.customersContacted);
      svg.appendChild(value);
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('x', String(i * slot + slot / 2));
      label.setAttribute('y', String(height - 6));
      label.setAttribute('text-anchor', 'middle');
      label.textContent = day.day.slice(5);
      svg.appendChild(label);
    });
    var total = days.reduce(function (sum, d) { return sum + d.customersContacted; }, 0);
    $('#backtest-caption').textContent = 'Would-be contacts per day after consent and caps, ' + result.from.slice(0, 10) + ' to '
      + result.until.slice(0, 10) + ': ' + total + ' in all' + (result.events ? '' : ' (no events in the range)') + '.';
    var body = $('#backtest-table tbody');
    body.textContent = '';
    result.days.forEach(function (day) {
      var row = document.createElement('tr');
      [day.day, day.customersContacted, day.sent, day.suppressed, day.deferred].forEach(function (v) { cell(row, v); });
      body.appendChild(row);
    });
    $('#backtest-result').hidden = false;
  }

  /** Every UTC day of the range, days without contacts as zero, so the chart's time axis is even. */
  function everyDay(result) {
    var byDay = {};
    result.days.forEach(function (d) { byDay[d.day] = d; });
    var days = [], day = new Date(result.from.slice(0, 10) + 'T00:00:00Z'), last = result.until.slice(0, 10);
    for (var guard = 0; guard < 400; guard++) {
      var key = day.toISOString().slice(0, 10);
      days.push(byDay[key] || {day: key, customersContacted: 0, sent: 0, suppressed: 0, deferred: 0});
      if (key >= last) { break; }
      day.setUTCDate(day.getUTCDate() + 1);
    }
    return days;
  }

  function showHistory(ruleId) {
    call('GET', '/v1/admin/rules/' + encodeURIComponent(ruleId) + '/versions').then(function (result) {
      var list = $('#rule-history ol');
      list.textContent = '';
      result.versions.forEach(function (version) {
        var item = document.createElement('li');
        item.textContent = 'v' + version.version + ' ' + version.status + ' at ' + version.updatedAt + ': ' + JSON.stringify(version.definition);
        list.appendChild(item);
      });
      $('#history-title').textContent = 'Version history of ' + ruleId;
      $('#rule-history').hidden = false;
    }).catch(function (e) { notice(e.error || 'failed', true); });
  }

  // ---- Offers ---------------------------------------------------------------------------------------------

  function percent(rate) { return rate === null || rate === undefined ? '-' : (100 * rate).toFixed(1) + ' %'; }

  function showUplift(report) {
    var t = report.treatment, c = report.control, u = report.uplift;
    $('#uplift').textContent = 'Personalised (treatment): ' + t.customers + ' customers, ' + percent(t.purchaseRate) + ' bought. '
      + 'Control: ' + c.customers + ' customers, ' + percent(c.purchaseRate) + ' bought. Uplift in purchase rate: '
      + (u.purchaseRate === null ? 'not yet measurable (no control buyers)' : percent(u.purchaseRate)) + '.';
  }

  function loadOffers() {
    return Promise.all([call('GET', '/v1/admin/offers'), call('GET', '/v1/admin/reports/offers')]).then(function (results) {
      var result = results[0], report = results[1], stats = {};
      report.offers.forEach(function (offer) { stats[offer.offerId] = offer; });
      showUplift(report);
      var body = $('#offers-table tbody');
      body.textContent = '';
      result.offers.forEach(function (offer) {
        var row = document.createElement('tr'), s = stats[offer.offerId] || {impressions: 0, clicks: 0, conversions: 0, clickThroughRate: null};
        row.dataset.offerId = offer.offerId;
        cell(row, offer.title + ' (' + offer.offerId + ')');
        cell(row, offer.category);
        cell(row, offer.businessValue);
        cell(row, offer.validUntil || 'open');
        cell(row, s.impressions).className = 'impressions';
        cell(row, s.clicks).className = 'clicks';
        cell(row, percent(s.clickThroughRate));
        cell(row, s.conversions);
        var actions = document.createElement('span');
        actions.appendChild(button('Edit', function () {
          var f = $('#offer-form').elements;
          f.offerId.value = offer.offerId; f.title.value = offer.title; f.category.value = offer.category || '';
          f.itemIds.value = (offer.itemIds || []).join(', '); f.businessValue.value = offer.businessValue;
          f.segments.value = (offer.segments || []).join(', '); f.excludeSegments.value = (offer.excludeSegments || []).join(', ');
          f.title.focus();
        }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('Expire', function () {
          call('POST', '/v1/admin/offers/' + encodeURIComponent(offer.offerId) + '/expire')
            .then(function () { notice('Offer ' + offer.offerId + ' expired.'); return loadOffers(); })
            .catch(function (e) { notice(e.error || 'failed', true); });
        }, 'danger'));
        cell(row, actions);
        body.appendChild(row);
      });
    }).catch(function (e) { notice('Could not load the offers: ' + (e.error || e), true); });
  }

  function saveOffer(event) {
    event.preventDefault();
    var form = $('#offer-form'), f = form.elements, id = f.offerId.value.trim();
    var list = function (input) { return input.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean); };
    var offer = {title: f.title.value.trim(), itemIds: list(f.itemIds), businessValue: Number(f.businessValue.value),
      segments: list(f.segments), excludeSegments: list(f.excludeSegments)};
    if (f.category.value.trim()) { offer.category = f.category.value.trim(); }
    var exists = Array.from(document.querySelectorAll('#offers-table td:first-child')).some(function (td) { return td.textContent.endsWith('(' + id + ')'); });
    (exists ? call('PUT', '/v1/admin/offers/' + encodeURIComponent(id), offer) : call('POST', '/v1/admin/offers', Object.assign({offerId: id}, offer)))
      .then(function () { clearErrors(form); form.reset(); notice('Offer ' + id + ' saved.'); return loadOffers(); })
      .catch(function (error) { showErrors(form, error); });
  }

  // ---- Customers ------------------------------------------------------------------------------------------

  var shownCustomer = null;

  function lookUp(event) {
    event.preventDefault();
    var id = $('#customer-id').value.trim();
    var path = encodeURIComponent(id);
    Promise.all([
      call('GET', '/v1/admin/customers/' + path + '/export').catch(function (e) { return e.status === 404 ? null : Promise.reject(e); }),
      call('GET', '/v1/customers/' + path + '/recommendations?limit=5&explain=true')
    ]).then(function (results) {
      var exported = results[0], recommendations = results[1];
      shownCustomer = {id: id, exported: exported};
      var summary = $('#customer-summary');
      summary.textContent = '';
      var profile = exported && exported.profile;
      var facts = [['Customer', id], ['Known', profile ? 'yes' : 'no profile yet (new or anonymous)'],
        ['Lifecycle', recommendations.lifecycleStage || '-'], ['Events applied', recommendations.profileSequence || 0],
        ['Personalised', recommendations.personalized ? 'yes' : 'no (' + recommendations.group + ')'],
        ['Next purchase expected', recommendations.nextPurchase
          ? recommendations.nextPurchase.expected.slice(0, 10) + ' (80 %: ' + recommendations.nextPurchase.earliest.slice(0, 10) + ' to '
            + recommendations.nextPurchase.latest.slice(0, 10) + ')' : 'no purchase yet'],
        ['Churn risk (90 days)', recommendations.churnRisk === null || recommendations.churnRisk === undefined ? '-'
          : Math.round(recommendations.churnRisk * 100) + ' %']];
      if (profile) {
        facts = facts.concat(profileFacts(profile));
      }
      facts.forEach(function (fact) {
        var dt = document.createElement('dt'); dt.textContent = fact[0];
        var dd = document.createElement('dd'); dd.textContent = String(fact[1]);
        summary.appendChild(dt); summary.appendChild(dd);
      });
      $('#customer-profile').textContent = JSON.stringify(profile, null, 2);
      var activityBody = $('#customer-activity tbody');
      activityBody.textContent = '';
      (profile ? recentActivity(profile) : []).forEach(function (entry) {
        var row = document.createElement('tr');
        [new Date(entry.at).toISOString().replace('.000Z', 'Z'), entry.what, entry.subject].forEach(function (v) { cell(row, v); });
        activityBody.appendChild(row);
      });
      var recBody = $('#customer-recommendations tbody');
      recBody.textContent = '';
      recommendations.offers.forEach(function (offer) {
        var row = document.createElement('tr');
        cell(row, offer.title + ' (' + offer.offerId + ')');
        cell(row, offer.score);
        cell(row, Object.keys(offer.explain || {}).map(function (k) { return k + ' ' + offer.explain[k]; }).join(', '));
        recBody.appendChild(row);
      });
      var contactBody = $('#customer-contacts tbody');
      contactBody.textContent = '';
      ((profile && profile.contactHistory) || []).forEach(function (contact) {
        var row = document.createElement('tr');
        var reason = contact.reason && typeof contact.reason === 'object' ? contact.reason.string : contact.reason;
        [utc(contact.decidedAt), contact.ruleId, String(contact.channel).toLowerCase(), String(contact.status).toLowerCase(), reason || '',
          utc(contact.updatedAt)].forEach(function (v) { cell(row, v); });
        contactBody.appendChild(row);
      });
      var outBody = $('#customer-outreach tbody');
      outBody.textContent = '';
      ((exported && exported.outreach) || []).forEach(function (action) {
        var row = document.createElement('tr');
        [action.decidedAt, action.ruleId + ' v' + action.ruleVersion, action.channel, action.status, action.reason].forEach(function (v) { cell(row, v); });
        outBody.appendChild(row);
      });
      $('#customer').hidden = false;
      notice('');
    }).catch(function (e) { notice('Lookup failed: ' + (e.error || e), true); });
  }

  function utc(millis) {
    return new Date(millis).toISOString().replace('.000Z', 'Z');
  }

  /** The profile's recent behaviour in a line each (the profile is in Avro's JSON encoding: unions are wrapped). */
  function profileFacts(profile) {
    var unwrap = function (v) { return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 ? v[Object.keys(v)[0]] : v; };
    var when = function (millis) { return millis ? new Date(millis).toISOString().replace('.000Z', 'Z') : '-'; };
    var top = function (map, n) {
      return Object.keys(map || {}).sort(function (a, b) { return map[b] - map[a]; }).slice(0, n)
        .map(function (k) { return k + ' ' + Number(map[k]).toFixed(2); }).join(', ') || '-';
    };
    return [
      ['First and last seen', when(profile.firstSeen) + ' / ' + when(profile.lastSeen)],
      ['Events by type', Object.keys(profile.eventCounts || {}).map(function (k) { return k.toLowerCase() + ' ' + profile.eventCounts[k]; }).join(', ') || '-'],
      ['Recently viewed', (profile.recentlyViewed || []).map(function (v) { return v.itemId; }).join(', ') || '-'],
      ['Cart', (profile.cart || []).map(function (line) { return line.itemId + ' x' + line.quantity; }).join(', ') || 'empty'],
      ['Top categories', top(profile.categoryAffinity, 3)],
      ['Purchases', profile.purchaseCount + ', spent ' + Number(profile.totalSpend).toFixed(2)],
      ['Consent', Object.keys(profile.consent || {}).map(function (k) { return k + ' ' + (profile.consent[k] ? 'yes' : 'no'); }).join(', ') || 'none recorded'],
      ['Linked ids', (profile.linkedIds || []).join(', ') || '-'],
      ['Time zone', unwrap(profile.timeZone) || '-']
    ];
  }

  /**
   * What the customer did lately, newest first, as the profile keeps it: items viewed, cart lines, orders and
   * offers shown (the profile keeps these, not a raw event log).
   */
  function recentActivity(profile) {
    var unwrap = function (v) { return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 ? v[Object.keys(v)[0]] : v; };
    var entries = [];
    (profile.recentlyViewed || []).forEach(function (v) { entries.push({at: v.viewedAt, what: 'viewed', subject: v.itemId}); });
    (profile.cart || []).forEach(function (line) { entries.push({at: line.addedAt, what: 'added to cart', subject: line.itemId + ' x' + line.quantity}); });
    (profile.recentOrders || []).forEach(function (order) {
      entries.push({at: order.placedAt, what: 'ordered', subject: (order.itemIds || []).join(', ') + ' for ' + Number(order.value).toFixed(2)});
    });
    Object.keys(profile.offerHistory || {}).forEach(function (offerId) {
      var stats = profile.offerHistory[offerId], shown = unwrap(stats.lastImpressionAt);
      if (shown) {
        entries.push({at: shown, what: 'offer shown (' + stats.impressions + ' times, ' + stats.clicks + ' clicks)', subject: offerId});
      }
    });
    return entries.sort(function (a, b) { return b.at - a.at; }).slice(0, 20);
  }

  function exportCustomer() {
    if (!shownCustomer) { return; }
    var blob = new Blob([JSON.stringify(shownCustomer.exported, null, 2)], {type: 'application/json'});
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'nudge-export-' + shownCustomer.id + '.json';
    link.click();
  }

  function forgetCustomer() {
    if (!shownCustomer || !confirm('Forget ' + shownCustomer.id + '? Their profile, trigger progress and outreach are erased everywhere.')) { return; }
    call('DELETE', '/v1/admin/customers/' + encodeURIComponent(shownCustomer.id))
      .then(function (result) { notice('Forgotten: ' + result.forgottenIds.join(', ')); $('#customer').hidden = true; })
      .catch(function (e) { notice('Forget failed: ' + (e.error || e), true); });
  }

  // ---- Segments ----------------------------------------------------------------------------------------------

  function loadSegments() {
    return call('GET', '/v1/admin/segments').then(function (result) {
      var body = $('#segments-table tbody');
      body.textContent = '';
      result.segments.forEach(function (segment) {
        var row = document.createElement('tr');
        row.dataset.segmentId = segment.segmentId;
        cell(row, segment.definition.name + ' (' + segment.segmentId + ')');
        cell(row, segment.status);
        cell(row, segment.version);
        cell(row, segment.members).className = 'members';
        var actions = cell(row, '');
        actions.appendChild(button('Details', function () { showSegment(segment.segmentId); }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('Delete', function () {
          if (confirm('Delete segment ' + segment.segmentId + '? Its members leave it.')) {
            call('DELETE', '/v1/admin/segments/' + encodeURIComponent(segment.segmentId))
              .then(function () { notice('Segment ' + segment.segmentId + ' deleted.'); return loadSegments(); })
              .catch(function (e) { notice(e.error || 'failed', true); });
          }
        }, 'danger'));
        body.appendChild(row);
      });
    }).catch(function (e) { notice('Could not load the segments: ' + (e.error || e), true); });
  }

  /** The segment document the builder describes. */
  function segmentFromForm() {
    var f = $('#segment-form').elements;
    var profile = {};
    var stages = Array.from($('#segment-form').querySelectorAll('input[name=segmentStage]:checked')).map(function (box) { return box.value; });
    if (stages.length > 0) { profile.lifecycleStages = stages; }
    if (f.minLifetimeValue.value !== '') { profile.lifetimeValue = {atLeast: Number(f.minLifetimeValue.value)}; }
    if (f.affinityCategory.value !== '') {
      profile.categoryAffinity = {};
      profile.categoryAffinity[f.affinityCategory.value] = f.affinityShare.value === '' ? 0.1 : Number(f.affinityShare.value);
    }
    if (f.emailConsent.checked) { profile.consent = ['email']; }
    var segment = {name: f.name.value, profile: profile};
    if (f.behaviourType.value !== '') {
      var behaviour = {event: f.behaviourCategory.value === '' ? {type: f.behaviourType.value}
          : {type: f.behaviourType.value, where: {category: f.behaviourCategory.value}}, within: f.behaviourWithin.value};
      if (f.behaviourAtLeast.value !== '') { behaviour.atLeast = Number(f.behaviourAtLeast.value); }
      if (f.behaviourAtMost.value !== '') { behaviour.atMost = Number(f.behaviourAtMost.value); }
      segment.behaviour = [behaviour];
    }
    return segment;
  }

  var previewTimer;

  /** The draft's count as the marketer edits it, at most a few times a second. */
  function previewSegment() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var draft = segmentFromForm();
      if (!draft.name) { draft.name = 'draft'; }
      call('POST', '/v1/admin/segments/preview', draft).then(function (preview) {
        $('#segment-preview').textContent = preview.profileConditionsMet + ' of ' + preview.profiles + ' profiles meet the profile conditions now'
            + (preview.behaviourConditionsNotCounted > 0 ? '; the behaviour condition is counted once the segment is saved.' : '.');
        $('#segment-preview').dataset.count = preview.profileConditionsMet;
      }).catch(function () { $('#segment-preview').textContent = 'Not counted yet: the draft is incomplete.'; });
    }, 250);
  }

  function newSegment() {
    var form = $('#segment-form');
    form.reset();
    clearErrors(form);
    form.hidden = false;
    $('#segment-detail').hidden = true;
    previewSegment();
    form.elements.segmentId.focus();
  }

  function saveSegment(event) {
    event.preventDefault();
    var form = $('#segment-form');
    clearErrors(form);
    var segment = segmentFromForm();
    segment.segmentId = form.elements.segmentId.value;
    call('POST', '/v1/admin/segments', segment).then(function (saved) {
      notice('Segment ' + saved.segmentId + ' saved; the job counts its members from now on.');
      form.hidden = true;
      return loadSegments();
    }).catch(function (error) { showErrors(form, error); });
  }

  function showSegment(segmentId) {
    call('GET', '/v1/admin/segments/' + encodeURIComponent(segmentId)).then(function (detail) {
      $('#segment-detail-title').textContent = detail.segment.definition.name;
      var summary = $('#segment-summary');
      summary.textContent = '';
      var reach = Object.keys(detail.reachable).map(function (channel) { return channel + ' ' + detail.reachable[channel]; }).join(', ');
      [['Members', detail.segment.members], ['Reachable', reach], ['Latest change', detail.lastChangeAt || '-'],
        ['Some members', detail.sample.join(', ') || '-']].forEach(function (pair) {
        var term = document.createElement('dt'); term.textContent = pair[0];
        var value = document.createElement('dd'); value.textContent = pair[1];
        summary.appendChild(term); summary.appendChild(value);
      });
      $('#segment-detail').hidden = false;
    }).catch(function (e) { notice(e.error || 'failed', true); });
  }

  // ---- Experiments -------------------------------------------------------------------------------------------

  var reportShown = null;

  function loadExperiments() {
    if (reportShown) { showExperiment(reportShown); }
    return call('GET', '/v1/admin/experiments').then(function (result) {
      var body = $('#experiments-table tbody');
      body.textContent = '';
      result.experiments.forEach(function (experiment) {
        var row = document.createElement('tr');
        row.dataset.experimentId = experiment.experimentId;
        cell(row, experiment.definition.name + ' (' + experiment.experimentId + ')');
        cell(row, experiment.status);
        cell(row, experiment.version);
        cell(row, experiment.exposed).className = 'exposed';
        var actions = cell(row, '');
        actions.appendChild(button('Report', function () { showExperiment(experiment.experimentId); }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button(experiment.status === 'active' ? 'Pause' : 'Resume', function () {
          call('POST', '/v1/admin/experiments/' + encodeURIComponent(experiment.experimentId) + (experiment.status === 'active' ? '/pause' : '/resume'))
            .then(function () { return loadExperiments(); })
            .catch(function (e) { notice(e.error || 'failed', true); });
        }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('Delete', function () {
          if (confirm('Delete experiment ' + experiment.experimentId + '? Its rules and offers go to everyone again.')) {
            call('DELETE', '/v1/admin/experiments/' + encodeURIComponent(experiment.experimentId))
              .then(function () { notice('Experiment ' + experiment.experimentId + ' deleted.'); reportShown = null; $('#experiment-report').hidden = true; return loadExperiments(); })
              .catch(function (e) { notice(e.error || 'failed', true); });
          }
        }, 'danger'));
        body.appendChild(row);
      });
    }).catch(function (e) { notice('Could not load the experiments: ' + (e.error || e), true); });
  }

  function newExperiment() {
    var form = $('#experiment-form');
    clearErrors(form);
    form.hidden = false;
    form.elements.experimentId.focus();
  }

  /** The experiment document the form describes: variant rows whose kind is left empty are not part of it. */
  function experimentFromForm() {
    var f = $('#experiment-form').elements;
    var experiment = {experimentId: f.experimentId.value.trim(), name: f.name.value.trim(), variants: []};
    if (f.conversionWindow.value.trim() !== '') { experiment.conversionWindow = f.conversionWindow.value.trim(); }
    [0, 1, 2].forEach(function (i) {
      var kind = f['variantKind' + i].value;
      if (kind === '') { return; }
      var variant = {name: f['variantName' + i].value.trim(), weight: Number(f['variantWeight' + i].value)};
      if (kind === 'holdout') { variant.holdout = true; } else { variant[kind] = f['variantTarget' + i].value.trim(); }
      experiment.variants.push(variant);
    });
    return experiment;
  }

  function saveExperiment(event) {
    event.preventDefault();
    var form = $('#experiment-form');
    var experiment = experimentFromForm();
    call('POST', '/v1/admin/experiments', experiment).then(function () {
      clearErrors(form);
      form.hidden = true;
      notice('Experiment ' + experiment.experimentId + ' started.');
      return loadExperiments();
    }).catch(function (error) { showErrors(form, error); });
  }

  function interval(metric) {
    if (metric.relativeLift === null) { return '-'; }
    var lift = (metric.relativeLift >= 0 ? '+' : '') + (100 * metric.relativeLift).toFixed(1) + ' %';
    if (metric.relativeLower === null || metric.relativeUpper === null) { return lift + ' (no interval yet)'; }
    return lift + ' (' + (100 * metric.relativeLower).toFixed(1) + ' % to ' + (100 * metric.relativeUpper).toFixed(1) + ' %)';
  }

  function showExperiment(experimentId) {
    reportShown = experimentId;
    call('GET', '/v1/admin/experiments/' + encodeURIComponent(experimentId)).then(function (report) {
      $('#experiment-report-title').textContent = report.experiment.definition.name + ' (' + report.experiment.status + ')';
      var figures = $('#experiment-figures tbody');
      figures.textContent = '';
      report.variants.forEach(function (variant) {
        var row = document.createElement('tr');
        row.dataset.variant = variant.name;
        cell(row, variant.name);
        cell(row, percent(variant.share));
        cell(row, variant.kind === 'holdout' ? 'nothing (holdout)' : variant.kind + ' ' + variant.target);
        cell(row, variant.exposed).className = 'exposed';
        cell(row, variant.converted);
        cell(row, percent(variant.conversionRate));
        cell(row, variant.revenuePerExposed.toFixed(2));
        figures.appendChild(row);
      });
      var comparisons = $('#experiment-comparisons tbody');
      comparisons.textContent = '';
      report.comparisons.forEach(function (comparison) {
        var row = document.createElement('tr');
        cell(row, comparison.variant + ' vs ' + comparison.control);
        cell(row, interval(comparison.conversion));
        cell(row, interval(comparison.revenuePerExposed));
        cell(row, comparison.decision).className = 'decision';
        comparisons.appendChild(row);
      });
      $('#experiment-report').hidden = false;
    }).catch(function (e) { notice(e.error || 'failed', true); });
  }

  // ---- Items -------------------------------------------------------------------------------------------------

  function loadItems() {
    var query = $('#item-search').elements.query.value;
    return call('GET', '/v1/admin/items?limit=100&query=' + encodeURIComponent(query)).then(function (result) {
      $('#items-count').textContent = result.items.length + ' shown of ' + result.total + ' items in the catalogue.';
      var body = $('#items-table tbody');
      body.textContent = '';
      result.items.forEach(function (item) {
        var row = document.createElement('tr');
        row.dataset.itemId = item.itemId;
        cell(row, item.title + ' (' + item.itemId + ')');
        cell(row, (item.categoryPath && item.categoryPath.length > 0) ? item.categoryPath.join(' › ') : (item.category || ''));
        cell(row, item.price === undefined ? '' : item.price.toFixed(2) + (item.currency ? ' ' + item.currency : ''));
        cell(row, item.availability.replace(/_/g, ' ')).className = 'availability';
        cell(row, item.stock === undefined ? '' : item.stock);
        cell(row, item.version);
        cell(row, item.updatedAt);
        body.appendChild(row);
      });
    }).catch(function (e) { notice('Could not load the items: ' + (e.error || e), true); });
  }

  $('#item-search').addEventListener('submit', function (event) {
    event.preventDefault();
    loadItems();
  });

  // ---- Navigation -----------------------------------------------------------------------------------------

  function show(view) {
    document.querySelectorAll('.tab').forEach(function (tab) {
      if (tab.dataset.view === view) { tab.setAttribute('aria-current', 'page'); } else { tab.removeAttribute('aria-current'); }
    });
    document.querySelectorAll('.view').forEach(function (section) { section.hidden = section.id !== view; });
    clearInterval(refreshTimer);
    if (view === 'rules') { loadRules(); refreshTimer = setInterval(loadRules, 5000); }
    if (view === 'segments') { loadSegments(); refreshTimer = setInterval(loadSegments, 5000); }
    if (view === 'experiments') { loadExperiments(); refreshTimer = setInterval(loadExperiments, 5000); }
    if (view === 'offers') { loadOffers(); }
    if (view === 'items') { loadItems(); }
  }

  function showKeyForm(message) {
    document.querySelectorAll('.view').forEach(function (section) { section.hidden = true; });
    $('#key-form').hidden = false;
    notice(message || '', !!message);
    $('#admin-key').focus();
  }

  $('#key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('#admin-key').value.trim());
    $('#key-form').hidden = true;
    notice('');
    show('rules');
  });
  $('#sign-out').addEventListener('click', function () { sessionStorage.removeItem(KEY); showKeyForm(); });
  document.querySelectorAll('.tab').forEach(function (tab) { tab.addEventListener('click', function () { if (key()) { show(tab.dataset.view); } }); });
  $('#new-rule').addEventListener('click', newRule);
  $('#rule-form [name=kind]').addEventListener('change', showRuleKind);
  $('#rule-form').addEventListener('submit', saveRule);
  $('#cancel-rule').addEventListener('click', function () { $('#rule-form').hidden = true; });
  $('#backtest').addEventListener('click', backtest);
  $('#offer-form').addEventListener('submit', saveOffer);
  $('#new-segment').addEventListener('click', newSegment);
  $('#segment-form').addEventListener('submit', saveSegment);
  $('#segment-form').addEventListener('input', previewSegment);
  $('#cancel-segment').addEventListener('click', function () { $('#segment-form').hidden = true; });
  $('#new-experiment').addEventListener('click', newExperiment);
  $('#experiment-form').addEventListener('submit', saveExperiment);
  $('#cancel-experiment').addEventListener('click', function () { $('#experiment-form').hidden = true; });
  $('#customer-form').addEventListener('submit', lookUp);
  $('#export').addEventListener('click', exportCustomer);
  $('#forget').addEventListener('click', forgetCustomer);

  if (key()) { show('rules'); } else { showKeyForm(); }
})();
