// Live parts of the IOC Sync page: the countdown to each job's next poll, its status and counts,
// and the log lines. Without this script the page still works as plain forms. Everything from the
// server is written with textContent, never as HTML.
'use strict';

(function () {
  const REFRESH_MS = 3000;

  function formatCountdown(next, now) {
    if (!next) {
      return null;
    }
    const seconds = Math.max(0, Math.round((Date.parse(next) - now) / 1000));
    if (seconds === 0) {
      return 'due now';
    }
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, '0');
    return 'in ' + minutes + ':' + rest;
  }

  function tickCountdowns() {
    const now = Date.now();
    document.querySelectorAll('.countdown').forEach(function (element) {
      const text = formatCountdown(element.dataset.next, now);
      if (text !== null) {
        element.textContent = text;
      }
    });
  }

  function statusText(job) {
    if (job.running) {
      return 'running';
    }
    if (job.paused) {
      return 'paused';
    }
    return job.lastRun ? job.lastRun.outcome : 'waiting';
  }

  function reasonsText(reasons) {
    return Object.keys(reasons).map(function (reason) {
      return reason + ' ' + reasons[reason];
    }).join(', ');
  }

  function set(row, selector, text) {
    const cell = row.querySelector(selector);
    if (cell && cell.textContent !== text) {
      cell.textContent = text;
    }
  }

  function showStatus(status) {
    status.jobs.forEach(function (job) {
      const row = Array.from(document.querySelectorAll('tr.job'))
        .find(function (candidate) { return candidate.dataset.job === job.name; });
      if (!row) {
        return;
      }
      set(row, '.status', statusText(job));
      const last = job.lastRun;
      if (last) {
        set(row, '.last', last.outcome + ' ' + last.startedAt + (last.error ? ' — ' + last.error : ''));
        set(row, '.fetched', String(last.fetched));
        set(row, '.desired', String(last.desired));
        set(row, '.added', String(last.added));
        set(row, '.removed', String(last.removed));
        const reasons = reasonsText(last.skippedByReason);
        set(row, '.skipped', String(last.skipped) + (reasons ? ' (' + reasons + ')' : ''));
      }
      const countdown = row.querySelector('.countdown');
      if (countdown) {
        countdown.dataset.next = job.nextRunAt || '';
        if (!job.nextRunAt) {
          countdown.textContent = job.paused ? 'paused' : 'not scheduled';
        }
      }
    });
    tickCountdowns();
  }

  function showLogs(logs) {
    const pre = document.getElementById('logs');
    if (!pre) {
      return;
    }
    const text = logs.lines.map(function (line) {
      return line.at + ' ' + line.level + ' ' + line.logger + ' - ' + line.message;
    }).join('\n') + (logs.lines.length ? '\n' : '');
    if (pre.textContent !== text) {
      pre.textContent = text;
      pre.scrollTop = pre.scrollHeight;
    }
  }

  function fetchJson(path) {
    return fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(path + ' answered ' + response.status);
        }
        return response.json();
      });
  }

  function refresh() {
    Promise.all([fetchJson('api/status'), fetchJson('api/logs')])
      .then(function (results) {
        showStatus(results[0]);
        showLogs(results[1]);
        document.body.dataset.refreshed = String(Date.now());
      })
      .catch(function () {
        // The next refresh tries again; the page itself stays usable.
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!document.getElementById('jobs')) {
      return;
    }
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
    refresh();
    setInterval(refresh, REFRESH_MS);
  });
})();
