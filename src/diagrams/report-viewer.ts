/**
 * The HTML report's style sheet and viewer script, inlined into the page (report-html.ts). The
 * viewer is a browser program, not Node code: it reads the page's JSON data block and builds
 * every element with `textContent`, never with markup, so no string from a trace can become
 * markup. It is plain ES2020 with no dependency, tested in a real Chromium
 * (test/diagrams/report-browser.test.ts).
 *
 * A counterexample's timeline has one lane per task and context (client threads, tasklets,
 * interrupt handlers, hardware) and per object (channels, the provider, the kernel), one row
 * per trace event; selecting a row shows the state of every actor after that event. A kernel
 * trace's timeline is drawn the same way, with a lane per context of the traced kernel (each
 * task, softirq and hardirq per CPU), a row per observation, its findings marked. Keys, on
 * the timeline last clicked or focused (the first one at start): ArrowDown or j / ArrowUp or k step,
 * PageDown / PageUp by 20, Home / End, v jumps to the violation (to the next finding).
 */
export const REPORT_STYLE = `
:root { --fg:#1d232a; --muted:#5b6570; --line:#d8dde3; --bad:#b42318; --bad-bg:#fdecea; --sel:#fff4c2; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
header h1 { margin: 0 0 4px; font-size: 20px; }
main { padding: 8px 24px 48px; }
section.block { margin: 24px 0; }
h2 { font-size: 17px; margin: 16px 0 8px; }
h3 { font-size: 15px; margin: 12px 0 6px; }
table.kv, table.rules { border-collapse: collapse; margin: 6px 0; }
table.kv td, table.kv th, table.rules td, table.rules th { border: 1px solid var(--line); padding: 3px 8px; text-align: left; }
table.rules td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.broken td { background: var(--bad-bg); color: var(--bad); }
.muted { color: var(--muted); }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; background: #eef1f4; margin-right: 6px; }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.pill.ok { background: #e6f4ea; color: var(--ok); }
.violation-card { border: 1px solid var(--bad); background: var(--bad-bg); padding: 8px 12px; border-radius: 6px; }
.violation-card .id { font-weight: 600; color: var(--bad); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 8px; max-width: 100%; }
.chart img { max-width: 100%; height: auto; display: block; }
.controls { display: flex; gap: 6px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.controls button { font: inherit; padding: 2px 10px; }
.cx-body { display: flex; gap: 16px; align-items: flex-start; }
.timeline { position: relative; overflow: auto; max-height: 72vh; border: 1px solid var(--line); flex: 1 1 0; min-width: 0; outline: none; }
.timeline:focus { box-shadow: 0 0 0 2px #8ab4f8; }
.row { display: grid; border-bottom: 1px solid #f0f2f4; cursor: pointer; min-width: max-content; background: #fff; }
.row > .num { position: sticky; left: 0; background: inherit; z-index: 1; }
.row > .num + .num { left: 44px; }
.row.head { position: sticky; top: 0; background: #f6f8fa; font-weight: 600; cursor: default; z-index: 3; }
.row > div { padding: 1px 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.row .num { color: var(--muted); font-variant-numeric: tabular-nums; text-align: right; }
.row.selected { background: var(--sel); }
.row.violation { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.row.violation.selected { outline: 2px solid var(--bad); }
.row.violation.accepted { background: #f6f8fa; color: var(--muted); }
.violation-card.accepted { border-color: var(--line); background: #f6f8fa; }
.violation-card + .violation-card { margin-top: 6px; }
.ev .state { color: var(--ok); }
.lane-client { color: #0b5cad; } .lane-tasklet { color: #7a3db8; } .lane-interrupt { color: #b35c00; }
.lane-hardware { color: #2d6a4f; } .lane-channel { color: #334155; } .lane-provider { color: #6b4f1d; } .lane-kernel { color: #555; }
.side { flex: 0 0 380px; position: sticky; top: 8px; max-height: 72vh; overflow: auto; }
.side table { width: 100%; }
.side tr.changed td { background: var(--sel); }
.side td { word-break: break-word; }
.side td:first-child { white-space: nowrap; }
.detail { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; white-space: pre-wrap; word-break: break-all; background: #f6f8fa; padding: 6px; border-radius: 4px; }
input.filter { font: inherit; padding: 2px 6px; margin: 4px 0; }
`;

export const REPORT_VIEWER = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var app = document.getElementById('app');

  /** An element with text children only: strings become text nodes, never markup. */
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (k === 'class') node.className = props[k];
        else if (k === 'text') node.textContent = String(props[k]);
        else node.setAttribute(k, String(props[k]));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }
  function pct(x) { return (100 * x).toFixed(1) + '%'; }
  function kv(rows) {
    var t = el('table', { class: 'kv' });
    rows.forEach(function (r) { t.appendChild(el('tr', null, el('th', { text: r[0] }), el('td', { text: r[1] }))); });
    return t;
  }
  function entries(o) { return Object.keys(o).map(function (k) { return [k, o[k]]; }); }

  var header = el('header', null,
    el('h1', { text: data.title }),
    el('div', { class: 'muted', text: data.tool.name + ' ' + data.tool.version + ' \\u00b7 ' +
      data.campaigns.length + ' campaign(s), ' + data.counterexamples.length + ' counterexample(s)' +
      (data.traces && data.traces.length ? ', ' + data.traces.length + ' kernel trace(s)' : '') }));
  var main = el('main');
  app.appendChild(header);
  app.appendChild(main);

  data.campaigns.forEach(function (c, ci) {
    var s = el('section', { class: 'block campaign', id: 'campaign-' + ci });
    s.appendChild(el('h2', { text: 'Campaign: ' + c.name }));
    var found = c.found.length === 0 ? el('span', { class: 'pill ok', text: 'no violation found' })
      : el('span', { class: 'pill bad', text: c.found.length + ' distinct violation(s)' });
    s.appendChild(el('p', null, found));
    s.appendChild(kv([
      ['seed', c.seed], ['schedules', c.schedules],
      ['time', c.seconds.toFixed(1) + ' s (' + Math.round(c.schedulesPerSec) + ' schedules/s)'],
      ['cut at the step bound', pct(c.cutShare)], ['distinct states', c.distinctStates],
      ['outcomes', entries(c.outcomes).map(function (e) { return e[0] + ' ' + e[1]; }).join(', ')],
      ['strategies', entries(c.strategies).map(function (e) {
        return e[0] + ' ' + e[1].schedules + (e[1].violations ? ' (' + e[1].violations + ' failing)' : ''); }).join(', ')],
      ['transition coverage', c.coverage.map(function (m) { return m.machine + ' ' + m.taken + '/' + m.total; }).join(', ')],
    ]));
    c.found.forEach(function (f) {
      s.appendChild(el('div', { class: 'violation-card' }, el('span', { class: 'id', text: '[' + f.side + '] ' + f.id }), ': ', f.detail));
    });
    s.appendChild(el('h3', { text: 'Statecharts coloured by coverage (red: never taken; darker: taken more often)' }));
    var charts = el('div', { class: 'charts' });
    c.coverage.forEach(function (m) {
      var box = el('figure', { class: 'chart', 'data-machine': m.machine },
        el('figcaption', { text: m.machine + ': ' + m.taken + '/' + m.total + ' transitions taken' }),
        el('img', { src: m.image, alt: m.machine + ' statechart' }));
      if (m.never.length > 0) box.appendChild(el('div', { class: 'muted', text: 'never taken: ' + m.never.join(', ') }));
      charts.appendChild(box);
    });
    s.appendChild(charts);
    s.appendChild(el('h3', { text: 'Rules: times checked and broken' }));
    var filter = el('input', { class: 'filter', placeholder: 'filter rules', 'aria-label': 'filter rules' });
    s.appendChild(filter);
    var rules = el('table', { class: 'rules' }, el('tr', null, el('th', { text: 'rule' }), el('th', { text: 'checked' }), el('th', { text: 'broken' })));
    c.rules.forEach(function (r) {
      var tr = el('tr', { class: r.violations > 0 ? 'broken' : '', 'data-rule': r.id },
        el('td', { text: r.id }), el('td', { class: 'n', text: r.checks }), el('td', { class: 'n', text: r.violations }));
      rules.appendChild(tr);
    });
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      Array.prototype.forEach.call(rules.querySelectorAll('tr[data-rule]'), function (tr) {
        tr.style.display = tr.getAttribute('data-rule').toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
    s.appendChild(rules);
    main.appendChild(s);
  });

  var timelines = [];
  var active = null;

  /**
   * A timeline to step through: a lane per task or context, a row per event, the marked rows
   * (violations, findings) that v jumps to, and beside it the state of every actor after the
   * selected event. t says what differs between a counterexample and a kernel trace.
   */
  function timeline(s, t) {
    var status = el('span', { class: 'status' });
    var controls = el('div', { class: 'controls' });
    var body = el('div', { class: 'cx-body' });
    var tl = el('div', { class: 'timeline', tabindex: '0', role: 'grid', 'aria-label': t.label });
    var side = el('div', { class: 'side' });
    body.appendChild(tl);
    body.appendChild(side);
    s.appendChild(controls);
    s.appendChild(body);

    var cols = '44px 48px repeat(' + t.lanes.length + ', ' + (t.laneWidth || 210) + 'px)';
    var head = el('div', { class: 'row head' }, el('div', { class: 'num', text: '#' }), el('div', { class: 'num', text: t.stepName }));
    head.style.gridTemplateColumns = cols;
    t.lanes.forEach(function (l) { head.appendChild(el('div', { class: 'lane-' + l.kind, title: l.kind, text: l.name })); });
    tl.appendChild(head);
    var cells = [];
    var rows = t.events.map(function (e, i) {
      var row = el('div', { class: 'row' + (e.event === 'VIOLATION' ? ' violation' : '') + (t.rowClass ? t.rowClass(e) : ''), 'data-index': i },
        el('div', { class: 'num', text: i }), el('div', { class: 'num', text: e.step }));
      row.style.gridTemplateColumns = cols;
      var cell = el('div', { class: 'ev lane-' + t.lanes[e.lane].kind },
        t.cellText(e), e.payload ? ' ' + e.payload : null,
        e.state ? el('span', { class: 'state', text: ' \\u2192 ' + e.state }) : null);
      cell.style.gridColumn = String(e.lane + 3);
      cell.title = e.task + ' (' + e.ctx + '): ' + e.actor + ' ' + e.event + (e.payload ? ' ' + e.payload : '');
      row.appendChild(cell);
      row.addEventListener('click', function () { select(i); activate(); });
      tl.appendChild(row);
      cells.push(cell);
      return row;
    });

    var state = { index: -1 };
    function button(label, title, go) {
      var b = el('button', { type: 'button', title: title, text: label });
      b.addEventListener('click', function () { go(); activate(); });
      controls.appendChild(b);
    }
    /** The first marked row after the selected one, else the first: v steps through them all. */
    function nextMark() {
      for (var m = 0; m < t.marks.length; m++) if (t.marks[m] > state.index) return t.marks[m];
      return t.marks.length > 0 ? t.marks[0] : state.index;
    }
    button('first', 'first event (Home)', function () { select(0); });
    button('previous', 'previous event (ArrowUp, k)', function () { select(state.index - 1); });
    button('next', 'next event (ArrowDown, j)', function () { select(state.index + 1); });
    button('last', 'last event (End)', function () { select(t.events.length - 1); });
    button(t.markName, t.markTitle + ' (v)', function () { select(nextMark()); });
    controls.appendChild(status);

    function select(i, quiet) {
      if (t.events.length === 0) return;
      i = Math.max(0, Math.min(t.events.length - 1, i));
      if (state.index >= 0) rows[state.index].classList.remove('selected');
      state.index = i;
      var row = rows[i];
      row.classList.add('selected');
      // Scroll the timeline (not the page, at start) to the event's row and lane.
      if (quiet) {
        tl.scrollTop = Math.max(0, row.offsetTop - tl.clientHeight / 2);
        tl.scrollLeft = Math.max(0, cells[i].offsetLeft - 100); // 92 px of sticky step columns
      } else cells[i].scrollIntoView({ block: 'nearest', inline: 'nearest' });
      s.setAttribute('data-selected', String(i));
      status.textContent = t.statusText(t.events[i], i);
      renderSide(i);
    }

    function renderSide(i) {
      while (side.firstChild) side.removeChild(side.firstChild);
      var e = t.events[i];
      side.appendChild(el('h3', { text: 'Event ' + i + (e.event === 'VIOLATION' ? ': ' + t.violationName : '') }));
      side.appendChild(el('div', { class: 'detail event-detail', text: t.detailLines(e).join('\\n') }));
      var states = new Map();
      for (var k = 0; k <= i; k++) if (t.events[k].state !== null) states.set(t.events[k].actor, { state: t.events[k].state, at: k });
      side.appendChild(el('h3', { text: t.statesTitle }));
      var table = el('table', { class: 'kv states' });
      Array.from(states.keys()).sort().forEach(function (actor) {
        var st = states.get(actor);
        table.appendChild(el('tr', { class: st.at === i ? 'changed' : '', 'data-actor': actor }, el('td', { text: actor }), el('td', { text: st.state })));
      });
      side.appendChild(table);
    }

    function activate() { active = timeline; tl.focus({ preventScroll: true }); }
    // Tabbing into a timeline makes it the one the keys step, as a click does.
    tl.addEventListener('focus', function () { active = timeline; });
    var timeline = { select: select, state: state, length: t.events.length, nextMark: nextMark };
    timelines.push(timeline);
    select(t.marks.length > 0 ? t.marks[0] : 0, true);
  }

  data.counterexamples.forEach(function (cx, xi) {
    var s = el('section', { class: 'block counterexample', id: 'cx-' + xi });
    s.appendChild(el('h2', { text: 'Counterexample: ' + cx.violation.id }));
    var v = cx.violation;
    s.appendChild(el('div', { class: 'violation-card' },
      el('div', null, el('span', { class: 'id', text: '[' + v.side + '] ' + v.id }), ' at step ' + v.step + ' (' + v.task + ')'),
      el('div', { text: v.detail }),
      el('div', { class: 'muted', text: 'rule: ' + v.rule }),
      el('div', { class: 'muted', text: 'source: ' + v.source })));
    s.appendChild(el('p', { class: 'muted', text: cx.file + ' \\u00b7 provider ' + cx.provider + ', seed ' + cx.seed + ', ' +
      cx.choices + ' choices, found by ' + cx.strategy + ' \\u00b7 ' +
      (cx.reproduced ? 'reproduced on replay' : 'did NOT reproduce on replay') +
      (cx.sameHash ? ', trace hash identical' : ', trace hash DIFFERENT') }));
    main.appendChild(s);
    timeline(s, {
      label: 'trace of ' + v.id, stepName: 'step', lanes: cx.lanes, events: cx.events,
      marks: cx.violationAt >= 0 ? [cx.violationAt] : [],
      markName: 'violation', markTitle: 'the violating step', violationName: 'the violation',
      statesTitle: 'State of every actor after it',
      cellText: function (e) {
        // On its lane an actor is named without the lane's own name (d1, not dmac0chan0.d1).
        var laneName = cx.lanes[e.lane].name;
        var who = e.actor === laneName ? '' : e.actor.indexOf(laneName + '.') === 0 ? e.actor.slice(laneName.length + 1) + ' ' : e.actor + ' ';
        return who + e.event;
      },
      statusText: function (e, i) { return 'event ' + i + ' of ' + cx.events.length + ', step ' + e.step + ', t=' + e.time + ' ns'; },
      detailLines: function (e) {
        var lines = ['step ' + e.step + ', time ' + e.time + ' ns', 'task ' + e.task + ' (' + e.ctx + ')',
          e.actor + ' ' + e.event + (e.payload ? ' ' + e.payload : '')];
        if (e.event === 'VIOLATION') lines.push('rule: ' + v.rule, 'source: ' + v.source);
        return lines;
      },
    });
  });

  (data.traces || []).forEach(function (tr, ti) {
    var s = el('section', { class: 'block kernel-trace', id: 'trace-' + ti });
    var open = tr.findings.filter(function (f) { return !f.accepted; }).length;
    s.appendChild(el('h2', { text: 'Kernel trace: ' + tr.file }));
    s.appendChild(el('p', null, open === 0 ? el('span', { class: 'pill ok', text: 'no finding' }) : el('span', { class: 'pill bad', text: open + ' finding(s)' }),
      tr.findings.length > open ? el('span', { class: 'pill', text: (tr.findings.length - open) + ' accepted' }) : null));
    s.appendChild(kv([
      ['records', tr.records], ['observations', tr.observations], ['channels', tr.channels], ['descriptors', tr.descriptors],
      ['contexts', tr.lanes.map(function (l) { return l.name; }).join(', ')],
    ]));
    if (tr.lost.length > 0) s.appendChild(el('p', { class: 'muted', text: 'events were lost on cpu ' + tr.lost.join(', ') + ': the checks there are incomplete' }));
    tr.findings.forEach(function (f) {
      s.appendChild(el('div', { class: 'violation-card finding' + (f.accepted ? ' accepted' : ''), 'data-finding': f.id },
        el('div', null, el('span', { class: 'id', text: '[' + f.side + '] ' + f.id }), ' at line ' + f.line + (f.accepted ? ' (accepted)' : '')),
        el('div', { text: f.detail }),
        el('div', { class: 'detail', text: f.text }),
        el('div', { class: 'muted', text: 'rule: ' + f.rule }),
        el('div', { class: 'muted', text: 'source: ' + f.source })));
    });
    main.appendChild(s);
    timeline(s, {
      label: 'kernel trace ' + tr.file, stepName: 'line', lanes: tr.lanes, events: tr.events, laneWidth: 280,
      marks: tr.findings.map(function (f) { return f.at; }).filter(function (i) { return i >= 0; }),
      markName: 'finding', markTitle: 'the next finding', violationName: 'a finding',
      statesTitle: 'State of every object after it',
      rowClass: function (e) { return e.finding !== null && tr.findings[e.finding].accepted ? ' accepted' : ''; },
      // A descriptor is named without its channel (a pointer is one descriptor on any channel).
      cellText: function (e) { return e.finding !== null ? 'VIOLATION ' + tr.findings[e.finding].id : e.actor.replace(/^chan 0x[0-9a-f]+\\./, '') + ' ' + e.event; },
      statusText: function (e, i) { return 'event ' + i + ' of ' + tr.events.length + ', line ' + e.step + ', cpu ' + e.cpu + ', t=' + (e.time / 1e9).toFixed(6) + ' s'; },
      detailLines: function (e) {
        var lines = ['line ' + e.step + ', cpu ' + e.cpu + ', t=' + (e.time / 1e9).toFixed(6) + ' s', 'task ' + e.task + ' (' + e.ctx + ')'];
        if (e.finding !== null) {
          var f = tr.findings[e.finding];
          lines.push('[' + f.side + '] ' + f.id + (f.accepted ? ' (accepted)' : '') + ': ' + f.detail, 'rule: ' + f.rule, 'source: ' + f.source);
        } else lines.push(e.actor + ' ' + e.event + (e.state ? ' \\u2192 ' + e.state : ''));
        lines.push('', e.text.trim());
        return lines;
      },
    });
  });

  active = timelines[0] || null;
  document.addEventListener('keydown', function (ev) {
    if (active === null || ev.target && ev.target.tagName === 'INPUT') return;
    var i = active.state.index;
    var to = null;
    switch (ev.key) {
      case 'ArrowDown': case 'j': to = i + 1; break;
      case 'ArrowUp': case 'k': to = i - 1; break;
      case 'PageDown': to = i + 20; break;
      case 'PageUp': to = i - 20; break;
      case 'Home': to = 0; break;
      case 'End': to = active.length - 1; break;
      case 'v': to = active.nextMark(); break;
    }
    if (to === null) return;
    ev.preventDefault();
    active.select(to);
  });
  document.body.setAttribute('data-ready', 'true');
})();
`;
