// The CRM panel inside Chatwoot (src/chatwoot-app/router.ts). Chatwoot posts the open conversation to
// this frame ({event: 'appContext', data: {conversation, contact, currentAgent}} as a JSON string); only
// messages from the connection's Chatwoot origin are read. The ids go to the server, which checks them
// with Chatwoot's API and answers the panel plus a context token every later request carries.
(function () {
  'use strict';
  var main = document.getElementById('main');
  var panel = document.getElementById('panel');
  var chatwootOrigin = main.getAttribute('data-chatwoot-origin');
  var base = window.location.pathname.replace(/\/+$/, '');
  var contextToken = null;
  var current = null;
  var polls = 0;
  var pollTimer = null;

  // An expired context: ask Chatwoot for the conversation again, which checks it anew.
  function expired() {
    current = null;
    contextToken = null;
    askChatwoot();
  }

  function askChatwoot() {
    if (window.parent !== window && chatwootOrigin) {
      window.parent.postMessage('chatwoot-dashboard-app:fetch-info', chatwootOrigin);
    }
  }

  function show(markup) {
    // Server-rendered HTML from our own origin (every value escaped there).
    panel.innerHTML = markup;
    schedulePoll();
  }

  function post(path, body) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (contextToken) headers['X-Context-Token'] = contextToken;
    return fetch(base + path, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(body || {}),
      credentials: 'same-origin',
    }).then(function (res) {
      if (res.status === 401 && path !== '/context') expired();
      return res.json().then(
        function (json) {
          return { ok: res.ok, json: json };
        },
        function () {
          return { ok: false, json: { html: '<p class="error" role="alert">Unexpected answer from the server.</p>' } };
        },
      );
    });
  }

  function openContext(conversationId, contactId, agentId) {
    var key = conversationId + ':' + contactId;
    // Chatwoot posts on load and again on our fetch-info: one check per conversation is enough.
    if (current === key) return;
    current = key;
    contextToken = null;
    var body = { conversationId: conversationId, contactId: contactId };
    // Checked by the server against Chatwoot's agents (moving leads backwards may be allowed to some).
    if (agentId) body.agentId = agentId;
    post('/context', body).then(function (r) {
      if (current !== key) return;
      if (r.ok) contextToken = r.json.contextToken;
      show(r.json.html);
    }, networkProblem);
  }

  function networkProblem() {
    panel.innerHTML = '<p class="error" role="alert">The sync service could not be reached.</p>';
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== chatwootOrigin) return;
    var message = event.data;
    if (typeof message === 'string') {
      try {
        message = JSON.parse(message);
      } catch (e) {
        return;
      }
    }
    if (!message || message.event !== 'appContext' || !message.data) return;
    var conversation = message.data.conversation || {};
    var sender = (conversation.meta && conversation.meta.sender) || {};
    var contactId = sender.id || (message.data.contact && message.data.contact.id);
    if (!conversation.id || !contactId) return;
    var agent = message.data.currentAgent || {};
    openContext(conversation.id, contactId, agent.id);
  });

  function refresh() {
    if (!contextToken) return;
    post('/panel').then(function (r) {
      show(r.json.html);
    }, networkProblem);
  }

  // While a sync is on its way, look again every 2 s (at most a minute).
  function schedulePoll() {
    if (pollTimer) clearTimeout(pollTimer);
    var root = panel.querySelector('[data-busy]');
    if (!root || root.getAttribute('data-busy') !== 'true' || polls >= 30) {
      if (!root || root.getAttribute('data-busy') !== 'true') polls = 0;
      return;
    }
    polls += 1;
    pollTimer = setTimeout(refresh, 2000);
  }

  panel.addEventListener('submit', function (event) {
    var form = event.target;
    var action = form.getAttribute('data-action');
    if (!action) return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      fields[name] = value;
    });
    polls = 0;
    post('/actions/' + action, fields).then(function (r) {
      show(r.json.html);
    }, networkProblem);
  });

  panel.addEventListener('click', function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute('data-refresh')) {
      polls = 0;
      refresh();
    }
  });

  // Ask Chatwoot for the context (it also sends it by itself when the frame loads).
  askChatwoot();
})();
