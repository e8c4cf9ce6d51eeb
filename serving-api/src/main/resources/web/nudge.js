/*
 * Nudge website snippet. Include it once per page with the shop's site key:
 *
 *   <div id="nudge-recommendations"></div>
 *   <script src="https://nudge.example.com/nudge.js" data-site-key="SITE_KEY"
 *           data-page="product" data-item="kitchen-004" data-category="kitchen"></script>
 *
 * On each page view it sends the page event, fetches the visitor's recommendations for this page and renders
 * them into the element named by data-target (default #nudge-recommendations) — offers, and with data-item-url
 * ("/products/{itemId}") recommended items as links — then reports which offers were
 * shown (offer_impression) and clicked (offer_click). Anonymous visitors get an id in a first-party cookie
 * (nudge_aid, one year); after login call Nudge.identify(customerId) and the same visitor carries on as the
 * customer. A shop that renders pages itself calls Nudge.page({page, category, item}) instead of reloading.
 * No dependencies, no other cookies; failures are logged to the console and never break the page.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var api = (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/$/, '');
  var siteKey = script.dataset.siteKey;
  var target = script.dataset.target || '#nudge-recommendations';
  var limit = parseInt(script.dataset.limit || '3', 10);
  var itemUrl = script.dataset.itemUrl || null; // e.g. "/products/{itemId}": recommended items become links
  var COOKIE = 'nudge_aid';
  var customerId = script.dataset.customerId || null;

  function anonymousId() {
    var match = document.cookie.match(/(?:^|;\s*)nudge_aid=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var id = 'a-' + (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    document.cookie = COOKIE + '=' + encodeURIComponent(id) + '; max-age=31536000; path=/; SameSite=Lax';
    return id;
  }

  function visitor() {
    return customerId || anonymousId();
  }

  function headers() {
    return {'Authorization': 'Bearer ' + siteKey, 'Content-Type': 'application/json'};
  }

  /** Sends one event or a batch; the visitor's ids are added to each. */
  function track(events) {
    var batch = (Array.isArray(events) ? events : [events]).map(function (event) {
      var withIds = Object.assign({anonymousId: anonymousId()}, event);
      if (customerId) {
        withIds.customerId = customerId;
      }
      return withIds;
    });
    return fetch(api + '/v1/events', {method: 'POST', headers: headers(), body: JSON.stringify(batch.length === 1 ? batch[0] : batch), keepalive: true})
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (body) { console.warn('nudge: event refused', response.status, body); });
        }
      })
      .catch(function (error) { console.warn('nudge: event not sent', error); });
  }

  function pageEvent(context) {
    if (context.page === 'product' && context.item) {
      return {type: 'product_view', itemId: context.item, category: context.category, page: 'product'};
    }
    return {type: 'page_view', page: context.page || 'home', category: context.category};
  }

  function recommendationsUrl(context) {
    var query = new URLSearchParams({limit: String(limit)});
    ['page', 'category', 'item'].forEach(function (name) {
      if (context[name]) {
        query.set(name, context[name]);
      }
    });
    return api + '/v1/customers/' + encodeURIComponent(visitor()) + '/recommendations?' + query;
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /** A price in the visitor's own number format, with its currency when the catalogue gives one. */
  function price(amount, currency) {
    try {
      return currency ? new Intl.NumberFormat(undefined, {style: 'currency', currency: currency}).format(amount) : amount.toFixed(2);
    } catch (unknownCurrency) {
      return amount.toFixed(2) + (currency ? ' ' + currency : '');
    }
  }

  function render(element, recommendations, context) {
    element.textContent = '';
    var list = make('ul', 'nudge-offers');
    recommendations.offers.forEach(function (offer) {
      var item = make('li', 'nudge-offer');
      item.dataset.offerId = offer.offerId;
      var button = make('button', 'nudge-offer-open', 'Show me');
      button.type = 'button';
      button.setAttribute('aria-label', 'Show me: ' + offer.title);
      button.addEventListener('click', function () {
        track({type: 'offer_click', offerId: offer.offerId, page: context.page || 'home', channel: 'web'});
        element.dispatchEvent(new CustomEvent('nudge:offer-click', {bubbles: true, detail: offer}));
      });
      item.appendChild(make('span', 'nudge-offer-title', offer.title));
      item.appendChild(button);
      list.appendChild(item);
    });
    element.appendChild(list);
    // Recommended items as product tiles: picture, title and price as the shop's catalogue describes them, linking to
    // the item's page (its own URL, else data-item-url). An item without either has nowhere to go and is not shown.
    var tiles = (recommendations.items || []).filter(function (item) { return item.url || itemUrl; });
    if (tiles.length > 0) {
      var items = make('ul', 'nudge-items');
      tiles.forEach(function (item) {
        var entry = make('li', 'nudge-item');
        entry.dataset.itemId = item.itemId;
        var link = make('a', 'nudge-item-link');
        link.href = item.url || itemUrl.replace('{itemId}', encodeURIComponent(item.itemId));
        if (item.imageUrl) {
          var image = make('img', 'nudge-item-image');
          image.src = item.imageUrl;
          image.alt = ''; // the title beside it names the item
          image.loading = 'lazy';
          link.appendChild(image);
        }
        link.appendChild(make('span', 'nudge-item-title', item.title || item.itemId));
        if (typeof item.price === 'number') {
          link.appendChild(make('span', 'nudge-item-price', price(item.price, item.currency)));
        }
        entry.appendChild(link);
        items.appendChild(entry);
      });
      element.appendChild(make('p', 'nudge-items-title', 'You may also like'));
      element.appendChild(items);
    }
    element.dataset.personalized = String(recommendations.personalized);
    element.dataset.group = recommendations.group;
    // One impression per offer per page view: re-rendering the box (after a cart change) shows nothing new.
    var fresh = recommendations.offers.filter(function (offer) { return !impressed[offer.offerId]; });
    fresh.forEach(function (offer) { impressed[offer.offerId] = true; });
    if (fresh.length > 0) {
      track(fresh.map(function (offer) {
        return {type: 'offer_impression', offerId: offer.offerId, page: context.page || 'home', channel: 'web'};
      }));
    }
    element.dispatchEvent(new CustomEvent('nudge:rendered', {bubbles: true, detail: recommendations}));
  }

  var current = {page: script.dataset.page || 'home', category: script.dataset.category, item: script.dataset.item};
  var impressed = {}; // offers already reported as shown in this page view

  /** Fetches and renders recommendations for the current page (after an event, they follow within a second). */
  function refresh() {
    var element = document.querySelector(target);
    if (!element) {
      return Promise.resolve(null);
    }
    return fetch(recommendationsUrl(current), {headers: headers()})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(new Error('HTTP ' + response.status)); })
      .then(function (recommendations) { render(element, recommendations, current); return recommendations; })
      .catch(function (error) { console.warn('nudge: no recommendations', error); return null; });
  }

  /** A page view: sends its event, then shows the page's recommendations. */
  function page(context) {
    current = Object.assign({page: 'home'}, context || {});
    impressed = {};
    return track(pageEvent(current)).then(refresh);
  }

  /** The visitor logged in: links the anonymous id to the customer, whose profile carries on from here. */
  function identify(id) {
    customerId = id;
    return track({type: 'identify'}).then(refresh);
  }

  window.Nudge = {page: page, refresh: refresh, identify: identify, track: track, visitorId: visitor};
  if (script.dataset.manual !== 'true') {
    page(current);
  }
})();
