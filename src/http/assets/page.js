// The node's page: one event stream (/events), a snapshot of the node about once a second,
// readings as they come, and a plot of the last 15 minutes per sensor. Plain DOM, no framework:
// it runs on the node's own files with no internet. Text is only ever set as textContent.
/* global document, window, location, URLSearchParams, EventSource, setInterval, uPlot */
'use strict';

(function () {
  const WINDOW_SECONDS = 15 * 60;
  const token = new URLSearchParams(location.search).get('token');
  const streamUrl = '/events' + (token ? '?token=' + encodeURIComponent(token) : '');

  let snapshot = null;
  /** The node's clock minus this browser's, so ages are measured on the node's clock. */
  let clockOffset = 0;
  /** Per sensor ('board/name'): plotted times (seconds) and values, and its uPlot. */
  const series = new Map();
  /** Per board id: its card's elements. */
  const cards = new Map();

  const $ = (id) => document.getElementById(id);
  const nodeNow = () => Date.now() + clockOffset;

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + ' s';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }
  const ago = (time) => (time === null || time === undefined ? 'never' : duration((nodeNow() - time) / 1000) + ' ago');
  const clockTime = (time) => new Date(time).toLocaleTimeString([], { hour12: false });
  function bytes(count) {
    if (count < 1024) return count + ' B';
    if (count < 1024 * 1024) return (count / 1024).toFixed(1) + ' KiB';
    return (count / 1024 / 1024).toFixed(1) + ' MiB';
  }
  function shown(value) {
    if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 1 : 2);
    return String(value);
  }
  function setPill(node, text, state) {
    node.textContent = text;
    node.classList.remove('ok', 'bad', 'pending');
    node.classList.add(state);
  }

  // --- plots ---------------------------------------------------------------------------------

  function plotted(value) {
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    return null;
  }

  function seriesFor(key) {
    let entry = series.get(key);
    if (!entry) {
      entry = { times: [], values: [], plot: null, container: null, card: null };
      series.set(key, entry);
    }
    return entry;
  }

  function addPoint(key, time, value) {
    const point = plotted(value);
    if (point === null) return;
    const entry = seriesFor(key);
    const seconds = time / 1000;
    const last = entry.times.length - 1;
    if (last >= 0 && seconds < entry.times[last]) {
      entry.times.length = 0;
      entry.values.length = 0;
    }
    entry.times.push(seconds);
    entry.values.push(point);
    const oldest = seconds - WINDOW_SECONDS;
    let stale = 0;
    while (stale < entry.times.length && entry.times[stale] < oldest) stale++;
    if (stale > 0) {
      entry.times.splice(0, stale);
      entry.values.splice(0, stale);
    }
  }

  function drawPlot(key) {
    const entry = series.get(key);
    if (!entry || !entry.container || entry.times.length === 0 || typeof uPlot === 'undefined') return;
    const width = Math.max(200, entry.container.clientWidth);
    if (!entry.plot) {
      entry.plot = new uPlot(
        {
          width: width,
          height: 140,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true } },
          axes: [{ size: 30 }, { size: 50 }],
          series: [{}, { stroke: '#1565c0', width: 2, points: { show: false } }],
        },
        [entry.times, entry.values],
        entry.container,
      );
    } else {
      if (entry.plot.width !== width) entry.plot.setSize({ width: width, height: 140 });
      entry.plot.setData([entry.times, entry.values]);
    }
    entry.container.dataset.points = String(entry.times.length);
  }

  window.addEventListener('resize', () => {
    for (const key of series.keys()) drawPlot(key);
  });

  // --- boards --------------------------------------------------------------------------------

  function boardCard(board) {
    let card = cards.get(board.id);
    if (card) return card;
    const root = element('article', 'board');
    root.dataset.board = board.id;
    const head = element('h2');
    head.append(element('span', 'board-id', board.id), element('small', 'device', board.device));
    const link = element('span', 'pill pending link', '–');
    head.append(link);
    const reason = element('p', 'reason');
    reason.hidden = true;
    const problems = element('p', 'problems none', 'no problems');
    root.append(head, reason, problems);
    const sensors = new Map();
    for (const sensor of board.sensors) {
      const key = board.id + '/' + sensor.name;
      const row = element('div', 'sensor');
      row.dataset.sensor = key;
      const top = element('div', 'sensor-head');
      const value = element('span', 'value', '–');
      const unit = element('span', 'unit', sensor.unit || '');
      const reading = element('span');
      reading.append(value, unit);
      const age = element('span', 'age', 'no reading yet');
      top.append(element('span', 'sensor-name', sensor.name), reading, age);
      const plot = element('div', 'plot');
      row.append(top, plot);
      root.append(row);
      seriesFor(key).container = plot;
      sensors.set(sensor.name, { value: value, age: age, time: undefined });
    }
    $('boards').append(root);
    card = { link: link, reason: reason, problems: problems, sensors: sensors };
    cards.set(board.id, card);
    return card;
  }

  function showBoard(board) {
    const card = boardCard(board);
    if (board.link === 'open') setPill(card.link, 'open', 'ok');
    else setPill(card.link, 'unplugged', 'bad');
    card.reason.hidden = board.link === 'open' || !board.reason;
    card.reason.textContent = board.reason || '';
    const counts = Object.entries(board.problems).filter((entry) => entry[1] > 0);
    card.problems.className = counts.length ? 'problems' : 'problems none';
    card.problems.textContent = counts.length ? 'problems: ' + counts.map((entry) => entry[0] + ' ' + entry[1]).join(', ') : 'no problems';
    for (const sensor of board.sensors) {
      if (sensor.time !== undefined && sensor.value !== undefined) showValue(board.id, sensor.name, sensor.value, sensor.time);
    }
  }

  function showValue(boardId, name, value, time) {
    const sensor = cards.get(boardId)?.sensors.get(name);
    if (!sensor || (sensor.time !== undefined && time < sensor.time)) return;
    sensor.time = time;
    sensor.value.textContent = shown(value);
  }

  // --- the rest of the snapshot ---------------------------------------------------------------

  function showSnapshot() {
    const { node, broker, outbox, log, boards } = snapshot;
    $('node-id').textContent = node.id;
    $('node-site').textContent = 'at ' + node.site;
    document.title = node.id + ' · fieldnode';
    $('node-boot').textContent = node.boot === undefined || node.boot === null ? '–' : '#' + node.boot;
    $('node-version').textContent = node.version;
    $('node-clock').textContent = node.clock.corrected ? 'corrected' + (node.clock.source ? ' by ' + node.clock.source : '') : 'system';

    setPill($('broker-state'), broker.connected ? 'connected' : 'not connected', broker.connected ? 'ok' : 'bad');
    $('broker-url').textContent = broker.url;
    $('broker-reconnects').textContent = String(broker.reconnects);

    $('outbox-readings').textContent = String(outbox.readings);
    $('outbox-packs').textContent = String(outbox.packs);
    $('outbox-bytes').textContent = bytes(outbox.bytes);
    $('outbox-oldest').textContent = outbox.oldestAgeSeconds === null ? 'nothing waiting' : duration(outbox.oldestAgeSeconds);
    const drain = outbox.drain;
    $('outbox-drain').hidden = !drain;
    if (drain) {
      $('outbox-drain').textContent = 'sending the backlog: ' + drain.readings + ' readings left at ' + Math.round(drain.readingsPerSecond) + '/s' + (drain.etaSeconds === null ? '' : ', about ' + duration(drain.etaSeconds) + ' to go');
    }
    const dropped = Object.entries(outbox.dropped).filter((entry) => entry[1].readings > 0 || entry[1].packs > 0);
    $('outbox-dropped').hidden = dropped.length === 0;
    $('outbox-dropped').textContent = 'dropped: ' + dropped.map((entry) => entry[0] + ' ' + entry[1].readings + ' readings (' + entry[1].packs + ' packs)').join(', ');

    for (const board of boards) showBoard(board);

    $('log-empty').hidden = log.length > 0;
    const lines = log.slice().reverse().map((line) => {
      const item = element('li', line.level);
      item.append(element('time', '', clockTime(line.time)), element('span', 'level', line.level), element('span', 'msg', line.msg));
      return item;
    });
    $('log-lines').replaceChildren(...lines);
    tick();
  }

  /** What changes with time alone: uptime and ages. */
  function tick() {
    if (!snapshot) return;
    const { node, broker } = snapshot;
    $('node-uptime').textContent = duration((nodeNow() - node.startedAt) / 1000);
    $('broker-since').textContent = broker.since === null ? '–' : (broker.connected ? 'connected ' : 'down ') + ago(broker.since);
    $('broker-ack').textContent = ago(broker.lastAckAt);
    for (const card of cards.values()) {
      for (const sensor of card.sensors.values()) {
        if (sensor.time === undefined) continue;
        const seconds = (nodeNow() - sensor.time) / 1000;
        sensor.age.textContent = duration(seconds) + ' ago';
        sensor.age.className = seconds > 60 ? 'age stale' : 'age';
      }
    }
  }
  setInterval(tick, 1000);

  // --- the stream ------------------------------------------------------------------------------

  const stream = new EventSource(streamUrl);
  stream.addEventListener('open', () => setPill($('stream'), 'live', 'ok'));
  // EventSource reconnects by itself; until it does, say so rather than show stale values as live.
  stream.addEventListener('error', () => setPill($('stream'), 'reconnecting…', 'bad'));
  stream.addEventListener('snapshot', (event) => {
    snapshot = JSON.parse(event.data);
    clockOffset = snapshot.node.now - Date.now();
    showSnapshot();
  });
  stream.addEventListener('history', (event) => {
    const history = JSON.parse(event.data);
    for (const key of Object.keys(history)) {
      const entry = seriesFor(key);
      entry.times.length = 0;
      entry.values.length = 0;
      for (const point of history[key]) addPoint(key, point[0], point[1]);
      drawPlot(key);
    }
  });
  stream.addEventListener('readings', (event) => {
    const touched = new Set();
    for (const reading of JSON.parse(event.data)) {
      const key = reading.board + '/' + reading.name;
      addPoint(key, reading.time, reading.value);
      showValue(reading.board, reading.name, reading.value, reading.time);
      touched.add(key);
    }
    for (const key of touched) drawPlot(key);
    tick();
  });
})();
