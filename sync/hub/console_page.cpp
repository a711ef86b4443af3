// The mediators' console page (console.hpp): one document, no outside
// resource. Everything the kiosk or a mediator wrote is put in the page as
// text (textContent), never as HTML. Element ids are what the end-to-end
// test (tests/e2e) clicks.
#include "console.hpp"

namespace guichet::hub {

std::string const& console_page()
{
    static std::string const page = R"html(<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guichet — console des médiateurs</title>
<link rel="icon" href="data:,">
<style>
  body { font-family: sans-serif; margin: 0; background: #f4f5f7; color: #1b1b1b; }
  header { background: #000091; color: #fff; padding: 12px 24px; display: flex; align-items: center; gap: 24px; }
  header h1 { font-size: 20px; margin: 0; flex: 1; }
  header button { background: #fff; color: #000091; }
  main { padding: 24px; }
  button { font-size: 15px; padding: 8px 14px; border-radius: 4px; border: 1px solid #000091; background: #000091;
           color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #000091; }
  button:disabled { background: #ccc; border-color: #bbb; color: #555; cursor: not-allowed; }
  input, textarea { font-size: 15px; padding: 8px; border: 1px solid #888; border-radius: 4px; }
  .card { background: #fff; border-radius: 6px; padding: 16px 20px; box-shadow: 0 1px 3px rgba(0,0,0,.15);
          margin-bottom: 16px; }
  #login { max-width: 380px; margin: 60px auto; }
  #login label { display: block; margin: 12px 0 4px; }
  #login input { width: 100%; box-sizing: border-box; }
  .error { color: #b00020; min-height: 1.2em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #ddd; }
  /* An element's own display (the session's grid) must not show it while hidden. */
  [hidden] { display: none !important; }
  #session { display: grid; grid-template-columns: minmax(0, 3fr) minmax(260px, 1fr); gap: 16px; }
  #screen { position: relative; width: 100%; aspect-ratio: 16 / 9; background: #fff; border: 2px solid #333;
            overflow: hidden; }
  .widget { position: absolute; box-sizing: border-box; border: 1px solid #888; border-radius: 4px; font-size: 12px;
            padding: 2px 4px; overflow: hidden; background: #eef; cursor: pointer; }
  .widget.field { background: #fff; }
  .widget.text { border: none; background: transparent; cursor: default; }
  .widget.selected { outline: 3px solid #0a7; }
  .widget.pointed { box-shadow: 0 0 0 4px #e1000f; }
  .widget .value { display: block; font-weight: bold; }
  .widget .masked { color: #666; font-style: italic; }
  .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #ddd; margin-right: 6px; }
  .badge.granted { background: #b8f0c8; } .badge.refused { background: #f8c0c0; } .badge.requested { background: #ffe9a8; }
  #side textarea, #side input { width: 100%; box-sizing: border-box; margin-bottom: 8px; }
  #side button { margin: 0 6px 8px 0; }
  #ended { color: #b00020; font-weight: bold; }
</style>
</head>
<body>
<header>
  <h1>Guichet — console des médiateurs</h1>
  <span id="me"></span>
  <button id="logout" class="secondary" hidden>Se déconnecter</button>
</header>
<main>
  <form id="login" class="card" hidden>
    <h2>Connexion</h2>
    <label for="login-name">Identifiant</label>
    <input id="login-name" autocomplete="username" required>
    <label for="login-password">Mot de passe</label>
    <input id="login-password" type="password" autocomplete="current-password" required>
    <p class="error" id="login-error" role="alert"></p>
    <button id="login-submit" type="submit">Se connecter</button>
  </form>

  <section id="desk" hidden>
    <div class="card" id="queue-card">
      <h2>Demandes d'aide en attente</h2>
      <p id="queue-empty">Personne n'attend pour le moment.</p>
      <table id="queue" hidden>
        <thead><tr><th>Borne</th><th>Lieu</th><th>Démarche</th><th>Étape</th><th>Langue</th><th>Attend depuis</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="error" id="queue-error" role="alert"></p>
    </div>

    <div id="session" hidden>
      <div class="card">
        <h2 id="session-title">Borne</h2>
        <p>
          <span class="badge" id="control-badge">Main : non demandée</span>
          <span class="badge" id="personal-badge">Champs personnels : masqués</span>
          <span id="ended" hidden></span>
        </p>
        <div id="screen" aria-label="Écran de la borne"></div>
        <p>Cliquez sur un élément de l'écran pour le choisir, puis montrez-le ou touchez-le.</p>
      </div>
      <div class="card" id="side">
        <h3>Message à la personne</h3>
        <textarea id="message" rows="3" maxlength="500" placeholder="Bonjour, je suis là pour vous aider."></textarea>
        <button id="send-message">Envoyer</button>
        <h3>Élément choisi : <span id="selected-label">aucun</span></h3>
        <button id="point" disabled>Montrer</button>
        <button id="tap" disabled>Toucher</button>
        <h3>La main</h3>
        <button id="ask-control" class="secondary">Demander la main</button>
        <input id="type-text" placeholder="Texte à saisir dans le champ actif" maxlength="200">
        <button id="type" disabled>Saisir</button>
        <p class="error" id="session-error" role="alert"></p>
        <button id="end" class="secondary">Terminer l'aide</button>
      </div>
    </div>

    <div class="card" id="audit-card" hidden>
      <h2>Journal des aides</h2>
      <button id="audit-load" class="secondary">Afficher</button>
      <table id="audit"><tbody></tbody></table>
    </div>
  </section>
</main>
<script>
'use strict';
const $ = (id) => document.getElementById(id);
const state = { user: null, help: null, version: 0, selected: null, view: null, polling: 0 };

const errors = {
  'auth.console_login': 'Identifiant ou mot de passe incorrect.',
  'auth.console_locked': 'Trop d\'essais. Réessayez dans quelques minutes.',
  'help.taken': 'Un autre médiateur a déjà pris cette demande.',
  'help.ended': 'Cette aide est terminée.',
  'help.no_control': 'La personne n\'a pas donné la main.',
  'help.unknown': 'Cette demande n\'existe plus.',
};
const reasons = {
  resident: 'La personne a arrêté la demande.',
  mediator: 'Vous avez terminé l\'aide.',
  kiosk_lost: 'La borne ne répond plus.',
  mediator_lost: 'Vous avez été déconnecté trop longtemps.',
  replaced: 'La borne a fait une nouvelle demande.',
  hub_stopped: 'Le serveur a redémarré.',
};
const controls = { none: 'non demandée', requested: 'demandée', granted: 'accordée', refused: 'refusée' };

async function call(method, path, body) {
  const options = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    options.headers['X-Guichet-Console'] = '1';
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
  }
  const response = await fetch(path, options);
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch (e) { data = null; }
  }
  if (response.status === 401 && path !== '/console/login') { showLogin(); }
  return { status: response.status, data };
}

function message(answer) {
  const code = answer.data && answer.data.error;
  return errors[code] || ('Erreur ' + answer.status + (code ? ' (' + code + ')' : ''));
}

function showLogin() {
  state.user = null;
  $('login').hidden = false;
  $('desk').hidden = true;
  $('logout').hidden = true;
  $('me').textContent = '';
}

function showDesk(user) {
  state.user = user;
  $('login').hidden = true;
  $('desk').hidden = false;
  $('logout').hidden = false;
  $('me').textContent = user.display_name;
  $('audit-card').hidden = user.role !== 'administrator';
  refreshQueue();
}

function minutes(seconds) {
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return m > 0 ? m + ' min ' + s + ' s' : s + ' s';
}

async function refreshQueue() {
  if (!state.user) return;
  const answer = await call('GET', '/console/api/queue');
  if (answer.status !== 200) return;
  const body = $('queue').querySelector('tbody');
  body.textContent = '';
  const waiting = answer.data.waiting;
  $('queue').hidden = waiting.length === 0;
  $('queue-empty').hidden = waiting.length !== 0;
  for (const request of waiting) {
    const row = document.createElement('tr');
    row.dataset.help = request.help_id;
    for (const text of [request.kiosk_id, request.site_id, request.demarche_id || '—', request.step || '—',
                        request.language, minutes(request.waiting_seconds)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    }
    const cell = document.createElement('td');
    const take = document.createElement('button');
    take.textContent = 'Prendre en charge';
    take.className = 'accept';
    take.addEventListener('click', () => accept(request.help_id));
    cell.appendChild(take);
    row.appendChild(cell);
    body.appendChild(row);
  }
  if (!state.help && answer.data.mine.length > 0) openSession(answer.data.mine[0].help_id);
}

async function accept(id) {
  const answer = await call('POST', '/console/api/help/' + id + '/accept');
  if (answer.status !== 200) { $('queue-error').textContent = message(answer); refreshQueue(); return; }
  $('queue-error').textContent = '';
  openSession(id, answer.data);
}

function openSession(id, view) {
  state.help = id;
  state.version = 0;
  state.selected = null;
  $('session').hidden = false;
  $('ended').hidden = true;
  $('session-error').textContent = '';
  if (view) render(view);
  poll(++state.polling);
}

async function poll(generation) {
  while (state.help && generation === state.polling) {
    let answer;
    try {
      answer = await call('GET', '/console/api/help/' + state.help + '?after=' + state.version);
    } catch (e) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (generation !== state.polling) return;
    if (answer.status !== 200) { $('session-error').textContent = message(answer); return; }
    render(answer.data);
    if (answer.data.state === 'ended') return;
  }
}

function render(view) {
  state.view = view;
  state.version = view.version;
  $('session-title').textContent = 'Borne ' + view.kiosk_id + ' — ' + view.site_id + ' — '
    + (view.demarche_id || 'accueil') + (view.step ? ' (étape ' + view.step + ')' : '');
  const badge = $('control-badge');
  badge.textContent = 'Main : ' + (controls[view.control] || view.control);
  badge.className = 'badge ' + view.control;
  $('personal-badge').textContent = 'Champs personnels : ' + (view.personal_shared ? 'visibles' : 'masqués');
  const granted = view.control === 'granted' && view.state === 'connected';
  $('type').disabled = !granted;
  $('tap').disabled = !granted || !state.selected;
  $('point').disabled = view.state !== 'connected' || !state.selected;
  if (view.state === 'ended') {
    $('ended').hidden = false;
    $('ended').textContent = reasons[view.reason] || 'Aide terminée.';
  }
  drawScreen(view.screen || {}, view.pointed);
}

function drawScreen(screen, pointed) {
  const box = $('screen');
  box.textContent = '';
  const width = screen.width || 1920, height = screen.height || 1080;
  for (const widget of screen.widgets || []) {
    const r = widget.rect || [0, 0, 0, 0];
    const div = document.createElement('div');
    div.className = 'widget ' + (widget.kind || '');
    div.dataset.widget = widget.id;
    div.style.left = (100 * r[0] / width) + '%';
    div.style.top = (100 * r[1] / height) + '%';
    div.style.width = (100 * (r[2] - r[0]) / width) + '%';
    div.style.height = (100 * (r[3] - r[1]) / height) + '%';
    const label = document.createElement('span');
    label.textContent = widget.label || widget.id;
    div.appendChild(label);
    if (widget.masked) {
      const value = document.createElement('span');
      value.className = 'value masked';
      value.textContent = 'masqué';
      div.appendChild(value);
    } else if (typeof widget.value === 'string') {
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = widget.value;
      div.appendChild(value);
    }
    if (widget.id === state.selected) div.classList.add('selected');
    if (widget.id === pointed) div.classList.add('pointed');
    if (widget.kind !== 'text') div.addEventListener('click', () => select(widget));
    box.appendChild(div);
  }
}

function select(widget) {
  state.selected = widget.id;
  $('selected-label').textContent = widget.label || widget.id;
  if (state.view) render(state.view);
  else $('point').disabled = false;
}

async function post(action, body) {
  if (!state.help) return false;
  const answer = await call('POST', '/console/api/help/' + state.help + '/' + action, body);
  $('session-error').textContent = answer.status === 204 ? '' : message(answer);
  return answer.status === 204;
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const answer = await call('POST', '/console/login',
    { login: $('login-name').value, password: $('login-password').value });
  $('login-password').value = '';
  if (answer.status !== 200) { $('login-error').textContent = message(answer); return; }
  showDesk(answer.data);
});
$('logout').addEventListener('click', async () => {
  await call('POST', '/console/logout');
  state.help = null;
  state.polling++;
  showLogin();
});
$('send-message').addEventListener('click', async () => {
  const text = $('message').value.trim();
  if (text && await post('message', { text })) $('message').value = '';
});
$('point').addEventListener('click', () => post('point', { widget: state.selected }));
$('tap').addEventListener('click', () => post('action', { kind: 'tap', widget: state.selected }));
$('ask-control').addEventListener('click', () => post('control'));
$('type').addEventListener('click', async () => {
  const text = $('type-text').value;
  if (text && await post('action', { kind: 'type', text })) $('type-text').value = '';
});
$('end').addEventListener('click', async () => {
  await post('end');
});
$('audit-load').addEventListener('click', async () => {
  const answer = await call('GET', '/console/api/audit');
  if (answer.status !== 200) return;
  const body = $('audit').querySelector('tbody');
  body.textContent = '';
  for (const line of answer.data) {
    const row = document.createElement('tr');
    for (const text of [new Date(line.at * 1000).toLocaleString('fr-FR'), line.kiosk_id, line.mediator || 'borne',
                        line.action, JSON.stringify(line.detail)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
});

setInterval(refreshQueue, 1000);
call('GET', '/console/api/me').then((answer) => {
  if (answer.status === 200) showDesk(answer.data); else showLogin();
});
</script>
</body>
</html>
)html";
    return page;
}

}
