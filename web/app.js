// kgraph serve: the page. Query tab (CodeMirror 5 editor, example queries, results table,
// downloads, history, share link) and Explore tab (Cytoscape.js graph: search, expand, undo,
// filters, paths, evidence, exports). It talks to this server only: /sparql and /api/….
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
  const plural = (n, one, many) => `${n.toLocaleString('en')} ${n === 1 ? one : (many || one + 's')}`;

  // ---------------------------------------------------------------- talking to the server
  let token = sessionStorage.getItem('kgraph-token') || '';

  async function call(url, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    if (token) headers.Authorization = 'Bearer ' + token;
    const response = await fetch(url, Object.assign({}, options, { headers }));
    if (response.status === 401) {
      const given = window.prompt('This server needs a bearer token (kgraph serve --token):');
      if (given) {
        token = given.trim();
        sessionStorage.setItem('kgraph-token', token);
        return call(url, options);
      }
    }
    return response;
  }

  async function json(url, options) {
    const response = await call(url, options);
    if (!response.ok) throw new Error((await response.text()).trim() || response.statusText);
    return response.json();
  }

  function download(name, blob) {
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---------------------------------------------------------------- state shared by the tabs
  const state = {
    meta: null,
    classStyle: {}, // class local name → {shape, fill, style}
    predicates: {}, // IRI → {label, symmetric, local}
    labels: new Map(), // IRI → entity (label, class, key) known to the page
  };

  function showView(id) {
    for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.view === id);
    for (const view of document.querySelectorAll('.view')) view.classList.toggle('hidden', view.id !== id);
    if (id === 'explore-view' && explore.cy) explore.cy.resize();
    if (id === 'query-view' && query.editor) query.editor.refresh();
  }

  // ---------------------------------------------------------------- Query tab
  const query = {
    editor: null,
    examples: [],
    result: null, // {vars, rows, raw}
    shown: 0,
    sort: null,
    lastText: '',
  };

  const ROW_PAGE = 1000;

  function initQuery() {
    query.editor = CodeMirror.fromTextArea($('editor'), {
      mode: 'application/sparql-query',
      lineNumbers: true,
      matchBrackets: true,
      indentUnit: 2,
      extraKeys: { 'Ctrl-Enter': () => runQuery(), 'Cmd-Enter': () => runQuery() },
    });
    $('run').addEventListener('click', () => runQuery());
    $('examples').addEventListener('change', () => {
      const example = query.examples.find((e) => e.name === $('examples').value);
      if (example) {
        query.editor.setValue(example.query);
        $('example-description').textContent = example.description;
      }
    });
    $('share').addEventListener('click', () => {
      const link = location.origin + location.pathname + '#query=' + encodeURIComponent(query.editor.getValue());
      history.replaceState(null, '', link);
      const field = $('share-link');
      field.value = link;
      field.classList.remove('hidden');
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
    });
    $('download-csv').addEventListener('click', async () => {
      const response = await call('/sparql', {
        method: 'POST',
        headers: { 'Content-Type': 'application/sparql-query', Accept: 'text/csv' },
        body: query.lastText,
      });
      if (response.ok) download('results.csv', await response.blob());
      else message(await response.text(), true);
    });
    $('download-json').addEventListener('click', () => {
      if (query.result) download('results.json', new Blob([query.result.raw], { type: 'application/sparql-results+json' }));
    });
    $('more-rows').addEventListener('click', () => renderRows(query.shown + ROW_PAGE));
    renderHistory();
  }

  function message(text, error) {
    const m = $('query-message');
    m.textContent = text;
    m.classList.toggle('error', !!error);
  }

  function note(text) {
    const n = $('query-note');
    n.textContent = text || '';
    n.classList.toggle('hidden', !text);
  }

  let marked = null;
  async function runQuery() {
    const text = query.editor.getValue();
    if (marked !== null) {
      query.editor.removeLineClass(marked, 'background', 'error-line');
      marked = null;
    }
    message('Running…');
    note('');
    $('results').replaceChildren();
    $('more-rows').classList.add('hidden');
    const started = performance.now();
    let response;
    try {
      response = await call('/sparql', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/sparql-query',
          Accept: 'application/sparql-results+json, application/n-triples;q=0.9',
        },
        body: text,
      });
    } catch (e) {
      message('The server did not answer: ' + e.message, true);
      return;
    }
    const ms = Math.round(performance.now() - started);
    const body = await response.text();
    if (!response.ok) {
      message(`${response.status} ${response.statusText}\n${body.trim()}`, true);
      // "error at LINE:COLUMN" in the parser's message: mark the line.
      const at = /at (\d+):(\d+)/.exec(body);
      if (at) {
        marked = Number(at[1]) - 1;
        query.editor.addLineClass(marked, 'background', 'error-line');
        query.editor.setCursor({ line: marked, ch: Number(at[2]) - 1 });
      }
      return;
    }
    query.lastText = text;
    addHistory(text);
    const truncated = response.headers.get('kgraph-truncated');
    const rows = Number(response.headers.get('kgraph-rows') || 0);
    if (truncated) {
      const [limit, n] = truncated.split('=');
      note(limit === 'max-rows'
        ? `Result cut at ${Number(n).toLocaleString('en')} rows (the server's --max-rows): there are more. Add a LIMIT, or ask the server for more.`
        : `Result cut at ${Number(n).toLocaleString('en')} bytes (the server's --max-bytes): there are more rows.`);
    }
    const type = response.headers.get('content-type') || '';
    if (type.startsWith('application/n-triples')) {
      const triples = parseNTriples(body);
      message(`${plural(triples.length, 'triple')} in ${ms} ms: shown in Explore.`);
      query.result = null;
      $('download-csv').disabled = true;
      $('download-json').disabled = true;
      renderTriples(triples);
      await explore.openTriples(triples);
      return;
    }
    const data = JSON.parse(body);
    query.result = null;
    $('download-json').disabled = false;
    $('download-csv').disabled = false;
    if ('boolean' in data) {
      message(`ASK in ${ms} ms`);
      $('results').replaceChildren(el('div', { class: 'boolean', id: 'boolean-result', text: String(data.boolean) }));
      query.result = { vars: [], rows: [], raw: body };
      return;
    }
    const vars = data.head.vars;
    const bindings = data.results.bindings;
    query.result = { vars, rows: bindings, raw: body };
    query.sort = null;
    message(`${plural(bindings.length, 'row')} in ${ms} ms` + (rows !== bindings.length ? ` (${rows} sent)` : ''));
    await learnLabels(bindings.flatMap((b) => Object.values(b)).filter((t) => t.type === 'uri').map((t) => t.value));
    renderRows(ROW_PAGE);
  }

  // Labels and classes of IRIs, from the server's catalog, so tables show names.
  async function learnLabels(iris) {
    const unknown = [...new Set(iris)].filter((i) => !state.labels.has(i));
    for (let i = 0; i < unknown.length; i += 5000) {
      const chunk = unknown.slice(i, i + 5000);
      try {
        const found = await json('/api/labels', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ iris: chunk }),
        });
        for (const [iri, entity] of Object.entries(found)) state.labels.set(iri, entity);
      } catch (e) {
        return;
      }
    }
  }

  function cell(term) {
    if (!term) return el('td');
    if (term.type === 'uri') {
      const known = state.labels.get(term.value);
      if (known) {
        return el('td', {}, el('a', {
          class: 'entity', title: term.value, 'data-iri': term.value,
          onclick: () => explore.focus(known),
        }, known.label));
      }
      return el('td', {}, el('span', { class: 'iri', text: compact(term.value) }));
    }
    const numeric = term.datatype && /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(term.datatype);
    return el('td', { class: numeric ? 'number' : null, text: term.value });
  }

  function compact(iri) {
    const base = state.meta ? state.meta.base : '';
    if (base && iri.startsWith(base + 'ontology#')) return 'kg:' + iri.slice(base.length + 9);
    if (base && iri.startsWith(base)) return iri.slice(base.length);
    return iri;
  }

  function sortKey(term) {
    if (!term) return '';
    if (term.type === 'uri') {
      const known = state.labels.get(term.value);
      return (known ? known.label : term.value).toLowerCase();
    }
    const n = Number(term.value);
    return term.datatype && !Number.isNaN(n) && /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(term.datatype) ? n : term.value.toLowerCase();
  }

  function renderRows(count) {
    const { vars, rows } = query.result;
    const head = el('tr', {}, ...vars.map((v) => {
      const th = el('th', { text: v, onclick: () => sortBy(v) });
      if (query.sort && query.sort.v === v) th.classList.add(query.sort.desc ? 'desc' : 'asc');
      return th;
    }));
    query.shown = Math.min(count, rows.length);
    const body = rows.slice(0, query.shown).map((b) => el('tr', {}, ...vars.map((v) => cell(b[v]))));
    $('results').replaceChildren(el('table', { class: 'results', id: 'results-table' }, el('thead', {}, head), el('tbody', {}, ...body)));
    $('more-rows').classList.toggle('hidden', query.shown >= rows.length);
    if (query.shown < rows.length) $('more-rows').textContent = `Show more rows (${query.shown.toLocaleString('en')} of ${rows.length.toLocaleString('en')} shown)`;
  }

  function sortBy(v) {
    const desc = query.sort && query.sort.v === v && !query.sort.desc;
    query.sort = { v, desc };
    query.result.rows.sort((a, b) => {
      const x = sortKey(a[v]);
      const y = sortKey(b[v]);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return desc ? -c : c;
    });
    renderRows(Math.max(query.shown, ROW_PAGE));
  }

  function renderTriples(triples) {
    const rows = triples.slice(0, ROW_PAGE).map((t) => el('tr', {},
      el('td', { class: 'iri', text: compact(t.s) }), el('td', { class: 'iri', text: compact(t.p) }),
      el('td', { class: t.o.type === 'uri' ? 'iri' : null, text: t.o.type === 'uri' ? compact(t.o.value) : t.o.value })));
    $('results').replaceChildren(el('table', { class: 'results', id: 'results-table' },
      el('thead', {}, el('tr', {}, el('th', { text: 'subject' }), el('th', { text: 'predicate' }), el('th', { text: 'object' }))),
      el('tbody', {}, ...rows)));
  }

  // N-Triples as the server writes them (one triple a line): IRIs, blank nodes, literals with
  // escapes, datatypes and languages.
  function parseNTriples(text) {
    const term = /\s*(<[^>]*>|_:[^\s]+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?)/y;
    const unescape = (s) => s.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e) => {
      if (e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
      return { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' }[e] || e;
    });
    const read = (t) => {
      if (t.startsWith('<')) return { type: 'uri', value: t.slice(1, -1) };
      if (t.startsWith('_:')) return { type: 'bnode', value: t };
      const end = t.lastIndexOf('"');
      return { type: 'literal', value: unescape(t.slice(1, end)) };
    };
    const out = [];
    for (const line of text.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      term.lastIndex = 0;
      const parts = [];
      for (let i = 0; i < 3; i++) {
        const m = term.exec(line);
        if (!m) break;
        parts.push(m[1]);
      }
      if (parts.length === 3) out.push({ s: read(parts[0]).value, p: read(parts[1]).value, o: read(parts[2]) });
    }
    return out;
  }

  function addHistory(text) {
    const list = JSON.parse(sessionStorage.getItem('kgraph-history') || '[]').filter((q) => q !== text);
    list.unshift(text);
    sessionStorage.setItem('kgraph-history', JSON.stringify(list.slice(0, 50)));
    renderHistory();
  }

  function renderHistory() {
    const list = JSON.parse(sessionStorage.getItem('kgraph-history') || '[]');
    $('history-list').replaceChildren(...list.map((q) => el('li', {
      title: q,
      onclick: () => query.editor.setValue(q),
    }, q.replace(/^(PREFIX[^\n]*\n|#[^\n]*\n|\s)*/i, '').slice(0, 120))));
  }

  // ---------------------------------------------------------------- Explore tab
  // Graphviz shapes of `kgraph dot` → Cytoscape shapes (polygons for the house and the note).
  const SHAPES = {
    box: { shape: 'rectangle' },
    ellipse: { shape: 'ellipse' },
    hexagon: { shape: 'hexagon' },
    octagon: { shape: 'octagon' },
    parallelogram: { shape: 'rhomboid' },
    house: { shape: 'polygon', points: '-1 1 1 1 1 -0.25 0 -1 -1 -0.25' },
    note: { shape: 'polygon', points: '-1 -1 0.55 -1 1 -0.55 1 1 -1 1' },
  };

  const explore = {
    cy: null,
    expanded: new Set(),
    steps: [], // undo stack: ids added by each expansion
    docFilter: null, // Set of "s p o" the filtered document states
    limit: 10, // neighbours per relation and direction on a first expansion
  };

  // Node sizes from the label: about 6.5 px a character, wrapped at 110 px.
  function nodeData(entity) {
    const chars = String(entity.label).length;
    const lines = Math.max(1, Math.ceil((chars * 6.5) / 110));
    return {
      id: entity.iri,
      label: entity.label,
      cls: entity.class || 'Other',
      key: entity.key,
      documents: entity.documents || 0,
      w: Math.min(110, chars * 6.5) + 18,
      h: lines * 14 + 14,
    };
  }

  function edgeId(s, p, o) {
    return `${s} ${p} ${o}`;
  }

  function initExplore() {
    const style = [
      {
        selector: 'node',
        style: {
          label: 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center',
          'text-wrap': 'wrap', 'text-max-width': 110, width: 'data(w)', height: 'data(h)',
          'background-color': state.meta.other.fill, 'border-width': 1, 'border-color': '#555',
          shape: 'ellipse', 'min-zoomed-font-size': 6,
        },
      },
      { selector: 'node[cls = "Other"]', style: { 'border-style': 'dashed' } },
      { selector: 'node.expanded', style: { 'border-width': 2 } },
      { selector: 'node.marked', style: { 'border-width': 4, 'border-color': '#b00020' } },
      {
        selector: 'edge',
        style: {
          width: 'mapData(documents, 1, 20, 1, 8)', 'line-color': '#8a93a5', 'target-arrow-color': '#8a93a5',
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8,
          label: 'data(label)', 'font-size': 9, color: '#444', 'text-rotation': 'autorotate',
          'text-background-color': '#fff', 'text-background-opacity': 0.8, 'min-zoomed-font-size': 8,
        },
      },
      { selector: 'edge[?symmetric]', style: { 'target-arrow-shape': 'none' } },
      { selector: 'edge.path', style: { 'line-color': '#b00020', 'target-arrow-color': '#b00020', width: 4 } },
      { selector: '.faded', style: { opacity: 0.15 } },
      { selector: '.filtered', style: { display: 'none' } },
      { selector: ':selected', style: { 'overlay-color': '#2454c5', 'overlay-opacity': 0.12, 'overlay-padding': 4 } },
    ];
    for (const c of state.meta.classes) {
      const s = SHAPES[c.shape] || SHAPES.ellipse;
      const entry = { 'background-color': c.fill, shape: s.shape };
      if (s.points) entry['shape-polygon-points'] = s.points;
      style.splice(2, 0, { selector: `node[cls = "${c.local}"]`, style: entry });
      state.classStyle[c.local] = c;
    }
    explore.cy = cytoscape({
      container: $('graph'),
      style,
      textureOnViewport: true,
      hideEdgesOnViewport: false,
      pixelRatio: 1,
    });
    const cy = explore.cy;
    cy.on('tap', 'node', (e) => open(e.target));
    cy.on('tap', 'edge', (e) => showEvidence(e.target.data()));
    cy.on('mouseover', 'node', (e) => highlight(e.target));
    cy.on('mouseout', 'node', () => cy.elements().removeClass('faded'));

    let timer = null;
    $('search').addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    $('search').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        clearTimeout(timer);
        search().then(() => {
          const first = document.querySelector('#search-results li');
          if (first) first.click();
        });
      }
    });
    $('undo').addEventListener('click', undo);
    $('relayout').addEventListener('click', () => layout(cy.elements(':visible')));
    $('clear').addEventListener('click', () => {
      cy.elements().remove();
      explore.expanded.clear();
      explore.steps = [];
      $('undo').disabled = true;
      info();
    });
    $('path-go').addEventListener('click', findPath);
    $('min-confidence').addEventListener('input', () => {
      $('min-confidence-value').textContent = $('min-confidence').value;
      applyFilters();
    });
    $('document-filter').addEventListener('change', setDocumentFilter);
    $('export-png').addEventListener('click', () => download('kgraph.png', cy.png({ full: true, scale: 2, output: 'blob', bg: '#ffffff' })));
    $('export-svg').addEventListener('click', () => download('kgraph.svg', new Blob([svg()], { type: 'image/svg+xml' })));
    $('export-dot').addEventListener('click', exportDot);

    const classes = $('class-filters');
    for (const c of state.meta.classes.concat([{ local: 'Other', label: 'other', fill: state.meta.other.fill }])) {
      classes.append(el('label', {}, el('input', { type: 'checkbox', checked: true, 'data-class': c.local, onchange: applyFilters }), ' ' + c.label));
      const tag = el('span', { text: c.label });
      tag.style.background = c.fill;
      $('legend').append(tag);
    }
    const predicates = $('predicate-filters');
    for (const p of state.meta.predicates) {
      predicates.append(el('label', {}, el('input', { type: 'checkbox', checked: true, 'data-predicate': p.iri, onchange: applyFilters }), ' ' + p.label));
    }
  }

  function info() {
    const cy = explore.cy;
    const nodes = cy.nodes(':visible').length;
    const edges = cy.edges(':visible').length;
    $('graph-info').textContent = nodes ? `${plural(nodes, 'entity', 'entities')}, ${plural(edges, 'relation')} shown` : '';
  }

  async function search() {
    const q = $('search').value.trim();
    const list = $('search-results');
    if (!q) {
      list.replaceChildren();
      return;
    }
    try {
      const hits = await json('/api/search?q=' + encodeURIComponent(q) + '&limit=20');
      list.replaceChildren(...hits.map((h) => el('li', {
        'data-iri': h.iri,
        title: h.iri,
        onclick: () => explore.focus(h),
      }, h.label, ' ', el('span', { class: 'class', text: `${h.class || ''} · ${plural(h.documents, 'doc')}${h.matched !== h.label ? ' · “' + h.matched + '”' : ''}` }))));
      if (!hits.length) list.replaceChildren(el('li', { class: 'muted', text: 'no entity has that name' }));
    } catch (e) {
      list.replaceChildren(el('li', { class: 'muted', text: e.message }));
    }
  }

  // Shows an entity in the graph (added if need be), expanded, and its details.
  explore.focus = async function (entity) {
    showView('explore-view');
    const cy = explore.cy;
    let node = cy.getElementById(entity.iri);
    if (node.empty()) {
      const ext = cy.extent();
      node = cy.add({ group: 'nodes', data: nodeData(entity), position: { x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 } });
      step(node);
    }
    cy.elements().unselect();
    node.select();
    await open(node);
    cy.animate({ center: { eles: node }, duration: 200 });
  };

  // A node clicked: expanded (once), then its details (which say how much of a hub is shown).
  async function open(node) {
    const panel = $('details');
    panel.replaceChildren(el('h2', { text: node.data('label') }), el('p', { class: 'muted', text: 'loading…' }));
    try {
      if (!explore.expanded.has(node.id())) await expand(node.id());
    } finally {
      await showEntity(node.data());
    }
  }

  // Adds the neighbours of a node: the best-attested per predicate first (a hub shows a few of
  // each kind, and says how many there are).
  async function expand(iri, limit) {
    const cy = explore.cy;
    const data = await json(`/api/neighbours?entity=${encodeURIComponent(iri)}&limit=${limit || explore.limit}`);
    const centre = cy.getElementById(iri);
    const before = cy.elements().length;
    const added = cy.collection();
    const fresh = [];
    for (const group of data.groups) {
      for (const n of group.neighbours) {
        if (cy.getElementById(n.iri).empty()) {
          const node = cy.add({ group: 'nodes', data: nodeData(n) });
          added.merge(node);
          fresh.push(node);
        }
        const [s, o] = group.direction === 'out' ? [iri, n.iri] : [n.iri, iri];
        const id = edgeId(s, group.predicate, o);
        if (cy.getElementById(id).empty()) {
          added.merge(cy.add({
            group: 'edges',
            data: {
              id, source: s, target: o, predicate: group.predicate, label: group.label,
              symmetric: group.symmetric, documents: n.fact_documents || 1, confidence: n.confidence,
            },
          }));
        }
      }
    }
    explore.expanded.add(iri);
    centre.addClass('expanded');
    centre.data('groups', data.groups.map((g) => ({ label: g.label, direction: g.direction, total: g.total, shown: g.neighbours.length })));
    step(added, iri);
    // New nodes on a circle around the expanded one: the rest of the picture stays put.
    const p = centre.position();
    const r = 170 + 10 * fresh.length;
    fresh.forEach((node, i) => {
      const a = (2 * Math.PI * i) / Math.max(fresh.length, 1) + 0.4;
      node.position({ x: p.x + r * Math.cos(a), y: p.y + r * Math.sin(a) });
    });
    // A small picture is laid out again from where it is (force-directed, so the new nodes
    // find room); a large one keeps its positions and the new nodes stay on their circle.
    if (before <= 1 || cy.nodes().length <= 100) layout(cy.elements());
    applyFilters();
    return added;
  }

  // Takes back the last step: the elements it added go, and the node it expanded is no longer
  // expanded (steps are undone last first, so nothing a later step added is left).
  function undo() {
    const step = explore.steps.pop();
    if (step) {
      step.added.remove();
      if (step.expanded) {
        explore.expanded.delete(step.expanded);
        explore.cy.getElementById(step.expanded).removeClass('expanded');
      }
    }
    $('undo').disabled = explore.steps.length === 0;
    info();
  }

  function step(added, expanded) {
    explore.steps.push({ added, expanded: expanded || null });
    $('undo').disabled = false;
  }

  function layout(eles) {
    // Force-directed where it is quick, rings by degree (hubs in the middle) beyond.
    const n = eles.nodes().length;
    const options = n > 100
      ? { name: 'concentric', animate: false, minNodeSpacing: 10, concentric: (node) => node.degree() }
      : { name: 'cose', animate: false, nodeRepulsion: () => 400000, idealEdgeLength: () => 120, nodeOverlap: 20, numIter: 800, randomize: false };
    eles.layout(options).run();
    fit(eles);
  }

  // Fits the view to `eles`, but never closer than a readable zoom (two nodes fill no screen).
  function fit(eles, padding) {
    const cy = explore.cy;
    cy.fit(eles, padding || 30);
    if (cy.zoom() > 1.2) {
      cy.zoom(1.2);
      cy.center(eles);
    }
  }

  function highlight(node) {
    const cy = explore.cy;
    const near = node.closedNeighborhood();
    cy.elements().not(near).addClass('faded');
  }

  function applyFilters() {
    const cy = explore.cy;
    const classes = new Set([...document.querySelectorAll('#class-filters input:checked')].map((i) => i.dataset.class));
    // Only the relations listed can be filtered out (a CONSTRUCT result may draw others).
    const unchecked = new Set([...document.querySelectorAll('#predicate-filters input:not(:checked)')].map((i) => i.dataset.predicate));
    const min = Number($('min-confidence').value);
    cy.batch(() => {
      cy.nodes().forEach((n) => n.toggleClass('filtered', !classes.has(n.data('cls'))));
      cy.edges().forEach((e) => {
        const d = e.data();
        const hidden = unchecked.has(d.predicate)
          || (min > 0 && (d.confidence === undefined || d.confidence === null || d.confidence < min - 1e-9))
          || (explore.docFilter && !explore.docFilter.has(edgeId(d.source, d.predicate, d.target)));
        e.toggleClass('filtered', hidden);
      });
    });
    info();
  }

  async function setDocumentFilter() {
    const id = $('document-filter').value.trim();
    if (!id) {
      explore.docFilter = null;
      applyFilters();
      return;
    }
    try {
      const doc = await json('/api/document?id=' + encodeURIComponent(id));
      explore.docFilter = new Set(doc.facts.map((f) => edgeId(f.subject.iri, f.predicate, f.object.iri)));
    } catch (e) {
      explore.docFilter = null;
      window.alert(e.message);
    }
    applyFilters();
  }

  async function findPath() {
    const from = $('path-from').value.trim();
    const to = $('path-to').value.trim();
    if (!from || !to) return;
    const cy = explore.cy;
    try {
      const data = await json(`/api/path?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      cy.elements().removeClass('path marked');
      const added = cy.collection();
      const ext = cy.extent();
      data.nodes.forEach((n, i) => {
        let node = cy.getElementById(n.iri);
        if (node.empty()) {
          node = cy.add({ group: 'nodes', data: nodeData(n), position: { x: ext.x1 + 80 + i * 160, y: (ext.y1 + ext.y2) / 2 } });
          added.merge(node);
        }
        node.addClass('path');
      });
      data.nodes[0] && cy.getElementById(data.nodes[0].iri).addClass('marked');
      data.nodes.length && cy.getElementById(data.nodes[data.nodes.length - 1].iri).addClass('marked');
      for (const e of data.edges) {
        const id = edgeId(e.s, e.p, e.o);
        let edge = cy.getElementById(id);
        if (edge.empty()) {
          edge = cy.add({ group: 'edges', data: { id, source: e.s, target: e.o, predicate: e.p, label: e.label, symmetric: (state.predicates[e.p] || {}).symmetric, documents: 1 } });
          added.merge(edge);
        }
        edge.addClass('path');
      }
      step(added);
      applyFilters();
      fit(cy.elements('.path'), 60);
      $('details').replaceChildren(el('h2', { text: `Path: ${plural(data.edges.length, 'relation')}` }),
        el('ol', {}, ...data.edges.map((e) => el('li', {}, `${(state.labels.get(e.s) || {}).label || label(e.s)} — ${e.label} → ${(state.labels.get(e.o) || {}).label || label(e.o)}`))));
    } catch (e) {
      $('details').replaceChildren(el('p', { class: 'muted', text: e.message }));
    }
  }

  function label(iri) {
    const node = explore.cy.getElementById(iri);
    return node.nonempty() ? node.data('label') : iri.replace(/^.*[/#]/, '');
  }

  async function showEntity(data) {
    const panel = $('details');
    panel.replaceChildren(el('h2', { text: data.label }), el('p', { class: 'muted', text: 'loading…' }));
    let page;
    try {
      page = await json('/api/entity?iri=' + encodeURIComponent(data.id));
    } catch (e) {
      panel.replaceChildren(el('h2', { text: data.label }), el('p', { class: 'muted', text: e.message }));
      return;
    }
    const groups = explore.cy.getElementById(data.id).data('groups') || [];
    const parts = [
      el('h2', { text: page.entity.label }),
      el('p', { class: 'muted' }, `${page.entity.class || 'no class'} · ${plural(page.entity.documents, 'document')} · `, el('span', { class: 'iri', text: page.entity.iri })),
    ];
    if (page.aliases.length) parts.push(el('p', {}, el('strong', { text: 'Also: ' }), page.aliases.join(', ')));
    if (page.same_as.length) parts.push(el('p', {}, el('strong', { text: 'Same as: ' }), page.same_as.join(', ')));
    if (page.attributes.length) {
      parts.push(el('h3', { text: 'Facts' }), el('ul', { class: 'facts' }, ...page.attributes.map((a) => el('li', {}, `${a.label}: ${a.value}`, a.documents ? el('span', { class: 'muted', text: ` (${plural(a.documents, 'document')})` }) : null))));
    }
    if (page.relations.length) {
      parts.push(el('h3', { text: 'Relations' }), el('ul', { class: 'facts' }, ...page.relations.map((r) => {
        const g = groups.find((x) => x.label === r.label && x.direction === r.direction);
        const more = g && g.shown < g.total;
        return el('li', {}, `${r.direction === 'out' ? '' : '← '}${r.label}${r.direction === 'out' ? ' →' : ''}: ${r.count}`,
          more ? el('span', { class: 'muted', text: ` (${g.shown} shown) ` }) : null,
          more ? el('button', { type: 'button', onclick: async () => { await expand(data.id, Math.min(g.total, 500)); showEntity(data); } }, 'show all') : null);
      })));
    }
    if (page.documents.length) {
      const listed = page.documents.length < page.entity.documents ? `, ${page.documents.length} listed` : '';
      parts.push(el('h3', { text: `Documents (${page.entity.documents}${listed})` }), el('ul', { class: 'facts' }, ...page.documents.map((d) => el('li', {},
        el('a', { class: 'doc', onclick: () => showDocument(d.id) }, d.title || d.id), d.date ? el('span', { class: 'muted', text: ' ' + d.date }) : null))));
    }
    panel.replaceChildren(...parts);
  }

  async function showEvidence(data) {
    const panel = $('details');
    panel.replaceChildren(el('h2', { text: `${label(data.source)} — ${data.label} → ${label(data.target)}` }), el('p', { class: 'muted', text: 'loading…' }));
    let ev;
    try {
      ev = await json(`/api/evidence?s=${encodeURIComponent(data.source)}&p=${encodeURIComponent(data.predicate)}&o=${encodeURIComponent(data.target)}`);
    } catch (e) {
      panel.replaceChildren(el('p', { class: 'muted', text: e.message }));
      return;
    }
    const parts = [
      el('h2', { text: `${ev.subject.label} — ${ev.label} → ${ev.object.label || ev.object.value}` }),
      el('p', { class: 'muted', text: `${plural(ev.sentences.length, 'sentence')}${ev.more ? ' (the first ones)' : ''}` }),
    ];
    for (const s of ev.sentences) {
      const q = el('q', { class: 'evidence-text' }, ...s.parts.map((p) => (p.mark ? el('mark', { class: p.mark, text: p.text }) : p.text)));
      parts.push(el('div', { class: 'sentence' },
        el('div', {}, el('a', { class: 'doc', title: s.document.iri, onclick: () => showDocument(s.document.id) }, s.document.title || s.document.id),
          s.document.date ? el('span', { class: 'muted', text: ' · ' + s.document.date }) : null),
        q,
        el('div', { class: 'meta', text: [`rule ${s.rule}`, s.confidence !== null && s.confidence !== undefined ? `confidence ${s.confidence}` : null,
          s.speaker ? `said by ${s.speaker.label}` : null, s.reversed ? 'stated the other way round' : null, `${s.document.id} @${s.start}`].filter(Boolean).join(' · ') })));
    }
    panel.replaceChildren(...parts);
  }

  async function showDocument(id) {
    const panel = $('details');
    let doc;
    try {
      doc = await json('/api/document?id=' + encodeURIComponent(id));
    } catch (e) {
      panel.replaceChildren(el('p', { class: 'muted', text: e.message }));
      return;
    }
    const cy = explore.cy;
    const addFact = (f) => {
      const added = cy.collection();
      for (const n of [f.subject, f.object]) {
        if (cy.getElementById(n.iri).empty()) added.merge(cy.add({ group: 'nodes', data: nodeData(n) }));
      }
      const eid = edgeId(f.subject.iri, f.predicate, f.object.iri);
      if (cy.getElementById(eid).empty()) {
        added.merge(cy.add({ group: 'edges', data: { id: eid, source: f.subject.iri, target: f.object.iri, predicate: f.predicate, label: f.label, symmetric: (state.predicates[f.predicate] || {}).symmetric, documents: 1 } }));
      }
      return added;
    };
    panel.replaceChildren(
      el('h2', { text: doc.title || doc.id }),
      el('p', { class: 'muted', text: [doc.id, doc.date, doc.source].filter(Boolean).join(' · ') }),
      el('button', { type: 'button', onclick: () => {
        const added = cy.collection();
        for (const f of doc.facts) added.merge(addFact(f));
        step(added);
        layout(cy.elements());
        applyFilters();
      } }, 'Show all in the graph'),
      el('h3', { text: `Facts (${doc.facts.length})` }),
      el('ul', { class: 'facts' }, ...doc.facts.map((f) => el('li', {}, el('a', { class: 'entity', onclick: () => {
        const added = addFact(f);
        step(added);
        if (added.length) layout(cy.elements());
        applyFilters();
      } }, `${f.subject.label} — ${f.label} → ${f.object.label}`)))),
      doc.values.length ? el('h3', { text: 'Values' }) : null,
      doc.values.length ? el('ul', { class: 'facts' }, ...doc.values.map((v) => el('li', { text: `${v.subject.label}: ${v.label} ${v.value}` }))) : null,
    );
  }

  // A CONSTRUCT result in the graph: resources as nodes, triples between them as edges.
  explore.openTriples = async function (triples) {
    const hidden = /(#type|#label|#comment|#altLabel|#prefLabel|#sameAs|#subject|#predicate|#object)$/;
    const links = triples.filter((t) => t.o.type === 'uri' && !hidden.test(t.p));
    const iris = [...new Set(links.flatMap((t) => [t.s, t.o.value]))];
    await learnLabels(iris);
    const named = new Map();
    for (const t of triples) if (/#label$/.test(t.p) && t.o.type === 'literal') named.set(t.s, t.o.value);
    const cy = explore.cy;
    cy.elements().remove();
    explore.expanded.clear();
    explore.steps = [];
    cy.batch(() => {
      for (const iri of iris) {
        const known = state.labels.get(iri);
        cy.add({ group: 'nodes', data: nodeData(known || { iri, label: named.get(iri) || iri.replace(/^.*[/#]/, ''), key: iri }) });
      }
      for (const t of links) {
        const id = edgeId(t.s, t.p, t.o.value);
        if (cy.getElementById(id).empty()) {
          const p = state.predicates[t.p];
          cy.add({ group: 'edges', data: { id, source: t.s, target: t.o.value, predicate: t.p, label: p ? p.label : t.p.replace(/^.*[/#]/, ''), symmetric: p ? p.symmetric : false, documents: 1 } });
        }
      }
    });
    showView('explore-view');
    layout(cy.elements());
    applyFilters();
  };

  async function exportDot() {
    const cy = explore.cy;
    const predicates = [...document.querySelectorAll('#predicate-filters input')];
    const checked = predicates.filter((i) => i.checked).map((i) => i.dataset.predicate);
    const classes = [...document.querySelectorAll('#class-filters input')];
    const types = classes.filter((i) => i.checked && i.dataset.class !== 'Other').map((i) => i.dataset.class);
    const body = {
      entities: cy.nodes(':visible').map((n) => n.id()),
      predicates: checked.length === predicates.length ? [] : checked,
      types: types.length === classes.length - 1 ? [] : types,
      document: $('document-filter').value.trim() || null,
      min_confidence: Number($('min-confidence').value) || null,
    };
    const response = await call('/api/dot', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (response.ok) download('kgraph.dot', await response.blob());
    else window.alert(await response.text());
  }

  // The view as SVG: the shapes, colours, labels and arrows drawn, at the positions shown.
  function svg() {
    const cy = explore.cy;
    const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
    const box = cy.elements(':visible').boundingBox({ includeLabels: true });
    const pad = 20;
    const out = [
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}" width="${Math.round(box.w + 2 * pad)}" height="${Math.round(box.h + 2 * pad)}" font-family="Helvetica, Arial, sans-serif">`,
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#8a93a5"/></marker></defs>',
      `<rect x="${box.x1 - pad}" y="${box.y1 - pad}" width="${box.w + 2 * pad}" height="${box.h + 2 * pad}" fill="#ffffff"/>`,
    ];
    for (const e of cy.edges(':visible')) {
      const s = e.sourceEndpoint();
      const t = e.targetEndpoint();
      const m = e.midpoint();
      const width = Number.parseFloat(e.style('width')) || 1;
      out.push(`<path d="M ${s.x} ${s.y} Q ${2 * m.x - (s.x + t.x) / 2} ${2 * m.y - (s.y + t.y) / 2} ${t.x} ${t.y}" fill="none" stroke="#8a93a5" stroke-width="${width}"${e.data('symmetric') ? '' : ' marker-end="url(#arrow)"'}><title>${esc(e.data('label'))}</title></path>`);
      out.push(`<text x="${m.x}" y="${m.y}" font-size="9" fill="#444" text-anchor="middle">${esc(e.data('label'))}</text>`);
    }
    for (const n of cy.nodes(':visible')) {
      const p = n.position();
      const w = n.outerWidth() / 2;
      const h = n.outerHeight() / 2;
      const c = state.classStyle[n.data('cls')];
      const fill = c ? c.fill : state.meta.other.fill;
      const shape = SHAPES[c ? c.shape : 'ellipse'] || SHAPES.ellipse;
      const attrs = `fill="${fill}" stroke="#555" stroke-width="${n.hasClass('marked') ? 3 : 1}"${c ? '' : ' stroke-dasharray="4 2"'}`;
      const poly = (pts) => `<polygon points="${pts.map(([x, y]) => `${p.x + x * w},${p.y + y * h}`).join(' ')}" ${attrs}/>`;
      if (shape.shape === 'ellipse') out.push(`<ellipse cx="${p.x}" cy="${p.y}" rx="${w}" ry="${h}" ${attrs}/>`);
      else if (shape.shape === 'rectangle') out.push(`<rect x="${p.x - w}" y="${p.y - h}" width="${2 * w}" height="${2 * h}" ${attrs}/>`);
      else if (shape.shape === 'hexagon') out.push(poly([[-1, 0], [-0.5, -1], [0.5, -1], [1, 0], [0.5, 1], [-0.5, 1]]));
      else if (shape.shape === 'octagon') out.push(poly([[-0.41, -1], [0.41, -1], [1, -0.41], [1, 0.41], [0.41, 1], [-0.41, 1], [-1, 0.41], [-1, -0.41]]));
      else if (shape.shape === 'rhomboid') out.push(poly([[-0.66, -1], [1, -1], [0.66, 1], [-1, 1]]));
      else {
        const nums = shape.points.split(' ').map(Number);
        const pts = [];
        for (let i = 0; i < nums.length; i += 2) pts.push([nums[i], nums[i + 1]]);
        out.push(poly(pts));
      }
      const lines = String(n.data('label')).match(/.{1,18}(\s|$)|\S+/g) || [''];
      lines.forEach((line, i) => out.push(`<text x="${p.x}" y="${p.y + (i - (lines.length - 1) / 2) * 12 + 4}" font-size="11" text-anchor="middle">${esc(line.trim())}</text>`));
    }
    out.push('</svg>');
    return out.join('\n');
  }

  // ---------------------------------------------------------------- start
  async function start() {
    for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showView(tab.dataset.view));
    try {
      state.meta = await json('/api/meta');
    } catch (e) {
      $('status').textContent = 'cannot reach the server: ' + e.message;
      return;
    }
    for (const p of state.meta.predicates) state.predicates[p.iri] = p;
    const limits = state.meta.limits;
    $('status').textContent = `${plural(state.meta.entities, 'entity', 'entities')} · ${plural(state.meta.links, 'relation')} · results cut at ${limits.max_rows.toLocaleString('en')} rows · queries stop after ${limits.timeout_ms / 1000} s${state.meta.update ? ' · updates allowed' : ' · read-only'}`;
    initQuery();
    initExplore();
    query.examples = await json('/api/examples');
    $('examples').append(...query.examples.map((e) => el('option', { value: e.name, title: e.description }, `${e.name}: ${e.title}`)));
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.has('query')) {
      query.editor.setValue(hash.get('query'));
    } else if (query.examples.length) {
      $('examples').value = query.examples[0].name;
      $('examples').dispatchEvent(new Event('change'));
    }
    if (hash.has('entity')) {
      const hits = await json('/api/search?q=' + encodeURIComponent(hash.get('entity')) + '&limit=1');
      if (hits.length) explore.focus(hits[0]);
    }
    document.body.dataset.ready = 'true';
  }

  // For the browser test and for people at the console: the graph and the state.
  window.kgraph = { state, query, explore };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
