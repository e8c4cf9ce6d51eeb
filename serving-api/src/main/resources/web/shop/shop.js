// The demo shop: routing between its pages, the cart and login, all through the website snippet (nudge.js).
// A file of its own: the page's Content-Security-Policy allows no inline script.
// The same synthetic item ids as the demo's shoppers (<category>-<nnn>); titles, prices and availability come from
// the shop's catalogue (/shop/items: the items Nudge holds), so a change made in the console shows here too.
var CATEGORIES = ['garden', 'kitchen', 'lighting', 'toys', 'stationery', 'textiles', 'party', 'home-decor'];
var catalogue = {};
function itemId(category, index) { return category + '-' + String(index + 1).padStart(3, '0'); }
function describe(id) {
  var item = catalogue[id];
  return {
    title: item && item.title ? item.title : id,
    price: item && item.price !== null && item.price !== undefined ? item.price.toFixed(2) + ' ' + (item.currency || '') : '',
    amount: item && item.price ? item.price : null,
    inStock: !item || item.availability === 'in_stock'
  };
}
function categoryOf(id) { return id.replace(/-\d+$/, ''); }
var cartLines = 0;
var nextMessage = ''; // shown on the page a navigation leads to

function link(href, text) { var a = document.createElement('a'); a.href = href; a.textContent = text; return a; }
function show(title, nodes) {
  document.getElementById('title').textContent = title;
  var content = document.getElementById('content');
  content.textContent = '';
  nodes.forEach(function (node) { content.appendChild(node); });
}
function productCard(id) {
  var card = document.createElement('div');
  card.className = 'card';
  var item = describe(id);
  card.appendChild(link('#/product/' + id, item.title));
  card.appendChild(document.createElement('br'));
  card.appendChild(document.createTextNode(item.inStock ? item.price : 'sold out'));
  return card;
}
function grid(ids) {
  var node = document.createElement('div');
  node.className = 'grid';
  ids.forEach(function (id) { node.appendChild(productCard(id)); });
  return node;
}

function route() {
  var parts = location.hash.replace(/^#\/?/, '').split('/');
  document.getElementById('message').textContent = nextMessage;
  nextMessage = '';
  if (parts[0] === 'category' && CATEGORIES.indexOf(parts[1]) >= 0) {
    var category = parts[1];
    show(category, [grid(Array.from({length: 12}, function (_, i) { return itemId(category, i); }))]);
    Nudge.page({page: 'category', category: category});
  } else if (parts[0] === 'product' && parts[1]) {
    var id = parts[1];
    var item = describe(id);
    var add = document.createElement('button');
    add.id = 'add-to-cart';
    add.type = 'button';
    add.textContent = item.inStock ? 'Add to cart' : 'Sold out';
    add.disabled = !item.inStock;
    add.addEventListener('click', function () {
      cartLines++;
      document.getElementById('cart').textContent = 'Cart: ' + cartLines;
      document.getElementById('message').textContent = item.title + ' is in your cart.';
      var line = {type: 'add_to_cart', itemId: id, category: categoryOf(id), quantity: 1};
      if (item.amount !== null) { line.price = item.amount; line.currency = catalogue[id].currency; }
      Nudge.track(line).then(Nudge.refresh);
    });
    var text = document.createElement('p');
    text.textContent = item.inStock ? 'A fine ' + categoryOf(id) + ' item, ' + item.price + '.' : 'Sold out for now.';
    show(item.title, [text, add]);
    Nudge.page({page: 'product', category: categoryOf(id), item: id});
  } else {
    show('Welcome', [grid(CATEGORIES.map(function (c) { return itemId(c, 0); }))]);
    Nudge.page({page: 'home'});
  }
}

CATEGORIES.forEach(function (category) {
  document.getElementById('categories').appendChild(link('#/category/' + category, category));
});
document.getElementById('login').addEventListener('click', function () {
  var id = document.getElementById('login-id').value.trim();
  if (id) {
    Nudge.identify(id);
    document.getElementById('message').textContent = 'Logged in as ' + id + '.';
  }
});
document.addEventListener('nudge:offer-click', function (event) {
  var offer = event.detail;
  var target = offer.itemIds && offer.itemIds.length > 0 ? '#/product/' + offer.itemIds[0]
    : offer.category ? '#/category/' + offer.category : location.hash;
  if (target !== location.hash) {
    nextMessage = 'Offer opened: ' + offer.title;
    location.hash = target;
  } else {
    document.getElementById('message').textContent = 'Offer opened: ' + offer.title;
  }
});
document.addEventListener('nudge:rendered', function (event) {
  document.getElementById('control-note').hidden = event.detail.group !== 'control';
});
window.addEventListener('hashchange', route);

// Runs once every script of the page has loaded, the snippet included; pages are drawn once the catalogue is in
// (or could not be had: then with bare ids).
function loadCatalogue() {
  return fetch('/shop/items').then(function (response) { return response.ok ? response.json() : {items: []}; })
    .then(function (body) { body.items.forEach(function (item) { catalogue[item.itemId] = item; }); })
    .catch(function () { /* ids it is */ });
}
document.addEventListener('DOMContentLoaded', function () { loadCatalogue().then(route); });
