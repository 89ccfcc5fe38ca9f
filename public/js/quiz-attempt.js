// Quiz attempt page enhancements. The server owns the clock and the answers: this script only
// shows the time left that the server computed (counting down from it), and saves the page's
// answers in the background when they change, so a dropped connection loses nothing. Without it,
// the page works by plain form posts.
(function () {
  'use strict';
  var timer = document.getElementById('timer');
  var value = document.getElementById('timer-value');
  var left = timer ? Number(timer.getAttribute('data-seconds-left')) : NaN;
  var startedAt = Date.now();
  function show(seconds) {
    var s = Math.max(0, seconds);
    value.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
    if (s <= 60) timer.classList.add('is-ending');
  }
  if (timer && value && !Number.isNaN(left)) {
    setInterval(function () {
      show(Math.round(left - (Date.now() - startedAt) / 1000));
    }, 1000);
  }

  var form = document.getElementById('attempt-form');
  var status = document.getElementById('autosave-status');
  if (!form || !window.fetch) return;
  var url = form.getAttribute('data-autosave');
  var pending = null;
  function save() {
    pending = null;
    var body = new URLSearchParams(new FormData(form));
    body.delete('nav');
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body,
      credentials: 'same-origin',
    })
      .then(function (res) {
        return res.ok ? res.json() : Promise.reject(res.status);
      })
      .then(function (reply) {
        if (status) {
          var said = reply.saved ? status.getAttribute('data-saved') || 'Tersimpan' : '';
          status.textContent = reply.messages && reply.messages.length ? said + ' ' + reply.messages.join(' ') : said;
        }
        if (typeof reply.secondsLeft === 'number' && value) {
          left = reply.secondsLeft;
          startedAt = Date.now();
          show(left);
        }
        if (reply.state && reply.state !== 'inProgress') window.location.reload();
      })
      .catch(function () {
        if (status) status.textContent = status.getAttribute('data-failed') || '';
      });
  }
  function later() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(save, 800);
  }
  form.addEventListener('change', later);
  form.addEventListener('input', later);
})();
