// The transferkit dashboard in the browser: plain ES module, no build step. It only talks to
// the server that served it (same origin; the token, when needed, travels as a cookie).

const $ = (sel) => document.querySelector(sel);
const PAGE = 50;
const state = { runs: [], selected: new Set(), detail: undefined, predOffset: 0, job: undefined, source: undefined, whatifTimer: undefined };

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ? `${body.error.message}${body.error.hint ? ` (${body.error.hint})` : ''}` : `HTTP ${res.status}`);
  return body;
}
const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
const fmt = (x, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== undefined && c !== null));
  return e;
};
async function chart(target, spec) {
  target.replaceChildren();
  if (!spec) return;
  // vega-embed (UMD, from /vendor) draws SVG in the page
  await window.vegaEmbed(target, spec, { actions: false, renderer: 'svg' });
}

// ---- runs list and compare
async function loadRuns() {
  const { runs } = await api('/api/runs');
  state.runs = runs;
  const body = $('#runs-table tbody');
  body.replaceChildren(
    ...runs.map((r) =>
      el(
        'tr',
        { dataset: { run: r.name, status: r.status } },
        el('td', {}, el('input', { type: 'checkbox', checked: state.selected.has(r.name), onchange: (e) => toggle(r.name, e.target.checked) })),
        el('td', {}, el('a', { href: `#run=${encodeURIComponent(r.name)}`, textContent: r.name })),
        el('td', { className: `status ${r.job ? 'running' : r.status}`, textContent: r.job ? 'training' : r.status }),
        el('td', { textContent: r.strategy ?? '' }),
        el('td', { textContent: r.train ?? '' }),
        el('td', { textContent: r.scores ?? '' }),
        el('td', { className: 'num accuracy', textContent: fmt(r.accuracy) }),
        el('td', { className: 'num', textContent: fmt(r.macroF1) }),
        el('td', { className: 'num', textContent: fmt(r.rocAuc) }),
        el('td', { className: 'num', textContent: String(r.epochs) }),
        el('td', {}, r.status === 'incomplete' && (r.kind === 'fit' || r.kind === 'curve') && !r.job ? el('button', { type: 'button', textContent: 'Resume', className: 'resume', onclick: () => resume(r.name) }) : undefined),
      ),
    ),
  );
  $('#runs-empty').hidden = runs.length > 0;
  $('#compare-button').disabled = state.selected.size < 2;
}
async function loadCurves() {
  const { curves } = await api('/api/curves');
  $('#curves-section').hidden = curves.length === 0;
  $('#curves-table tbody').replaceChildren(
    ...curves.map((c) =>
      el('tr', { dataset: { curve: c.name } },
        el('td', {}, el('a', { href: `#curve=${encodeURIComponent(c.name)}`, textContent: c.name })),
        el('td', { textContent: c.base }),
        el('td', { textContent: c.target }),
        el('td', { textContent: c.sizes.join(', ') }),
        el('td', { textContent: c.strategies.join(', ') }),
        el('td', { className: 'num', textContent: String(c.seeds) }),
        el('td', { className: 'verdict', textContent: c.verdict.join(' ') }),
      ),
    ),
  );
}
async function openCurve(name) {
  const c = await api(`/api/curves/${encodeURIComponent(name)}`);
  $('#curves-section').hidden = false;
  await chart($('#curve-chart'), c.chart);
}
function toggle(name, on) {
  if (on) state.selected.add(name);
  else state.selected.delete(name);
  $('#compare-button').disabled = state.selected.size < 2;
}
async function compare() {
  const names = [...state.selected];
  const res = await api(`/api/compare?runs=${names.map(encodeURIComponent).join(',')}`);
  const cols = ['name', 'status', 'strategy', 'base', 'train', 'scores', ...res.metrics];
  $('#compare-table thead').replaceChildren(el('tr', {}, ...cols.map((c) => el('th', { textContent: c }))));
  const cell = (v) => el('td', { textContent: typeof v === 'number' && !Number.isInteger(v) ? fmt(v) : String(v ?? '') });
  $('#compare-table tbody').replaceChildren(...res.rows.map((r) => el('tr', {}, ...cols.map((c) => cell(r[c])))));
  $('#compare-section').hidden = false;
  await chart($('#compare-chart'), res.chart);
}

// ---- one run
async function openRun(name) {
  const d = await api(`/api/runs/${encodeURIComponent(name)}`);
  state.detail = d;
  state.predOffset = 0;
  $('#detail-section').hidden = false;
  $('#detail-title').textContent = `Run ${d.name}`;
  $('#detail-summary').textContent = `${d.kind} ${d.strategy ?? ''} on ${d.train ?? '?'}${d.base ? ` from ${d.base}` : ''}; ${d.status}; classes: ${d.classes.join(', ')}` + (d.accuracy !== undefined ? `; ${d.scores} accuracy ${fmt(d.accuracy)}, macro F1 ${fmt(d.macroF1)}` : '');
  $('#detail-files').replaceChildren(...d.files.flatMap((f) => [el('a', { href: `/files/${encodeURIComponent(d.name)}/${encodeURIComponent(f)}`, target: '_blank', textContent: f }), ' ']));
  await chart($('#history-chart'), d.charts.history);
  await chart($('#confusion-chart'), d.charts.confusion);
  $('#whatif').hidden = true;
  $('#gradcam').hidden = true;
  $('#predictions').hidden = !d.files.includes('predictions.jsonl');
  if (!$('#predictions').hidden) await loadPredictions();
  if (d.status === 'finished') {
    const schema = await api(`/api/runs/${encodeURIComponent(name)}/whatif`).catch(() => undefined);
    if (schema?.kind === 'tabular') await showWhatIf(schema);
    if (schema?.kind === 'image') await showGradCam(name);
  }
}

async function loadPredictions() {
  const d = state.detail;
  const wrong = $('#pred-wrong').checked;
  const p = await api(`/api/runs/${encodeURIComponent(d.name)}/predictions?offset=${state.predOffset}&limit=${PAGE}${wrong ? '&filter=wrong' : ''}`);
  $('#pred-info').textContent = `${p.total} stored, accuracy ${fmt(p.accuracy)} on ${p.labelled} labelled`;
  $('#pred-page').textContent = p.matching ? `${p.offset + 1}–${p.offset + p.items.length} of ${p.matching}` : 'none';
  $('#pred-prev').disabled = p.offset === 0;
  $('#pred-next').disabled = p.offset + p.items.length >= p.matching;
  $('#pred-table tbody').replaceChildren(...p.items.map((x) => el('tr', { className: x.actual !== undefined && x.actual !== x.label ? 'wrong' : '' }, el('td', { textContent: String(x.id) }), el('td', { textContent: x.label }), el('td', { className: 'num', textContent: fmt(x.confidence) }), el('td', { textContent: x.actual ?? '' }))));
}

// ---- what-if (tabular)
async function showWhatIf(schema) {
  const form = $('#whatif-form');
  form.replaceChildren(
    ...schema.features.map((f) =>
      el('label', {}, f.name + ' ',
        f.kind === 'numeric'
          ? el('input', { type: 'number', step: 'any', value: String(f.value), title: `seen ${f.min} to ${f.max}`, dataset: { feature: f.name }, oninput: scheduleWhatIf })
          : el('select', { dataset: { feature: f.name }, onchange: scheduleWhatIf }, ...f.categories.map((c) => el('option', { value: c, textContent: c, selected: c === f.value }))),
      ),
    ),
  );
  $('#cf-desired').replaceChildren(el('option', { value: '', textContent: '(runner-up class)' }), ...schema.classes.map((c) => el('option', { value: c, textContent: c })));
  $('#cf-table tbody').replaceChildren();
  $('#whatif').hidden = false;
  await runWhatIf();
}
function rowValues() {
  const values = {};
  for (const input of document.querySelectorAll('#whatif-form [data-feature]')) values[input.dataset.feature] = input.type === 'number' ? Number(input.value) : input.value;
  return values;
}
function scheduleWhatIf() {
  clearTimeout(state.whatifTimer);
  state.whatifTimer = setTimeout(() => runWhatIf().catch(showError), 150);
}
async function runWhatIf() {
  const name = state.detail.name;
  // answers may arrive out of order: only the latest edit's is shown
  const asked = (state.whatifAsked = (state.whatifAsked ?? 0) + 1);
  const a = await post(`/api/runs/${encodeURIComponent(name)}/whatif`, { values: rowValues() });
  if (state.detail.name !== name || asked !== state.whatifAsked) return;
  $('#whatif-prediction').textContent = a.predicted;
  $('#whatif-probs').textContent = Object.entries(a.probabilities).map(([c, p]) => `${c} ${fmt(p)}`).join(', ') + ` (${fmt(a.seconds * 1000, 0)} ms)`;
  // the waterfall comes from the server (the report's chart builder)
  await chart($('#whatif-chart'), a.chart);
}
async function counterfactuals() {
  const name = state.detail.name;
  $('#cf-button').disabled = true;
  try {
    const r = await post(`/api/runs/${encodeURIComponent(name)}/counterfactuals`, { values: rowValues(), desired: $('#cf-desired').value || undefined });
    const rows = r.counterfactuals.map((cf, i) => el('tr', {}, el('td', { textContent: `#${i + 1}` }), el('td', { textContent: cf.changes.map((ch) => `${ch.feature}: ${typeof ch.from === 'number' ? fmt(ch.from, 2) : ch.from} → ${typeof ch.to === 'number' ? fmt(ch.to, 2) : ch.to}`).join('; ') })));
    $('#cf-table tbody').replaceChildren(el('tr', {}, el('th', { colSpan: 2, textContent: `${r.predicted} → ${r.desired}: ${r.counterfactuals.length} found${r.reason ? ` (${r.reason})` : ''}` })), ...rows);
    await chart($('#cf-chart'), r.counterfactuals.length ? r.chart : undefined);
  } finally {
    $('#cf-button').disabled = false;
  }
}

// ---- Grad-CAM (images)
async function showGradCam(name) {
  $('#gradcam').hidden = false;
  $('#gradcam-images').textContent = 'computing…';
  const g = await api(`/api/runs/${encodeURIComponent(name)}/gradcam?count=4`);
  $('#gradcam-images').replaceChildren(...g.images.map((im) => el('figure', {}, el('img', { src: im.png, alt: `image ${im.row}` }), el('figcaption', { textContent: `#${im.row}: ${im.predicted} (${fmt(im.probability)})${im.actual ? `, actually ${im.actual}` : ''}` }))));
}

// ---- training jobs
function watch(job) {
  state.source?.close();
  state.job = job;
  const epochs = [];
  $('#job').hidden = false;
  $('#job-title').textContent = `${job.command} ${job.run}`;
  $('#job-status').textContent = job.status;
  $('#job-status').className = `status ${job.status}`;
  $('#job-stop').hidden = false;
  $('#job-resume').hidden = true;
  $('#job-log').textContent = '';
  $('#job-progress').value = 0;
  const total = Number($('#fit-form [name=epochs]').value) || 0;
  const source = new EventSource(`/api/jobs/${job.id}/events`);
  state.source = source;
  const log = (line) => {
    $('#job-log').textContent += line + '\n';
  };
  source.addEventListener('log', (e) => log(JSON.parse(e.data).line));
  source.addEventListener('step', (e) => {
    const s = JSON.parse(e.data);
    if (s.total) $('#job-progress').value = s.done / s.total;
  });
  source.addEventListener('epoch', (e) => {
    const r = JSON.parse(e.data);
    log(r.line);
    epochs.push({ step: epochs.length + 1, loss: r.loss, phase: r.phase });
    if (total) $('#job-progress').value = Math.min(1, r.epoch / total);
    chart($('#job-chart'), {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 360,
      height: 140,
      data: { values: epochs },
      mark: { type: 'line', point: true },
      encoding: { x: { field: 'step', type: 'quantitative', title: 'epoch' }, y: { field: 'loss', type: 'quantitative' } },
    }).catch(showError);
  });
  const points = [];
  source.addEventListener('point', (e) => {
    const p = JSON.parse(e.data);
    log(p.line);
    points.push(p);
    chart($('#job-chart'), {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 360,
      height: 160,
      data: { values: points.filter((x) => typeof x.size === 'number') },
      mark: { type: 'point', filled: true },
      encoding: { x: { field: 'size', type: 'quantitative', scale: { type: 'log' }, title: 'labelled examples per class' }, y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy' }, color: { field: 'strategy', type: 'nominal' } },
    }).catch(showError);
  });
  let ended = false;
  source.addEventListener('end', async (e) => {
    const r = JSON.parse(e.data);
    ended = true;
    source.close();
    $('#job-status').textContent = r.status;
    $('#job-status').className = `status ${r.status}`;
    $('#job-stop').hidden = true;
    // only a fit can be resumed (a learning curve is run again)
    $('#job-resume').hidden = job.command === 'curve' || (r.status !== 'stopped' && r.status !== 'failed');
    if (r.error) log(`error: ${r.error.message}`);
    if (r.status === 'finished') $('#job-progress').value = 1;
    if (job.command === 'curve' && r.status === 'finished') {
      await loadCurves();
      await chart($('#job-chart'), (await api(`/api/curves/${encodeURIComponent(job.run)}`)).chart);
    }
    await loadRuns();
  });
  // while open, EventSource reconnects by itself (sending Last-Event-ID); closed without an end event, the job's fate is unknown
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED || ended) return;
    $('#job-stop').hidden = true;
    showError(new Error(`Lost the connection to job ${job.id}; reload the page to see how it ended`));
  };
}
async function startFit(event) {
  event.preventDefault();
  $('#form-error').hidden = true;
  const data = Object.fromEntries(new FormData($('#fit-form')).entries());
  for (const k of Object.keys(data)) if (data[k] === '') delete data[k];
  for (const k of ['epochs', 'perClass', 'seeds']) if (data[k] !== undefined) data[k] = Number(data[k]);
  // send only what the command reads
  for (const k of data.command === 'curve' ? ['strategy', 'arch', 'perClass'] : ['sizes', 'seeds', 'strategies']) delete data[k];
  try {
    watch(await post('/api/jobs', data));
    await loadRuns();
  } catch (err) {
    showError(err);
  }
}
async function resume(name) {
  try {
    watch(await post(`/api/runs/${encodeURIComponent(name)}/resume`));
  } catch (err) {
    showError(err);
  }
}
function showError(err) {
  $('#form-error').textContent = String(err.message ?? err);
  $('#form-error').hidden = false;
}

// ---- wiring
$('#refresh').addEventListener('click', () => Promise.all([loadRuns(), loadCurves()]).catch(showError));
$('#compare-button').addEventListener('click', () => compare().catch(showError));
$('#fit-form').addEventListener('submit', startFit);
$('#fit-form [name=command]').addEventListener('change', (e) => {
  $('#fit-form').dataset.command = e.target.value;
});
$('#job-stop').addEventListener('click', () => state.job && post(`/api/jobs/${state.job.id}/stop`).catch(showError));
$('#job-resume').addEventListener('click', () => state.job && resume(state.job.run));
$('#cf-button').addEventListener('click', () => counterfactuals().catch(showError));
$('#pred-wrong').addEventListener('change', () => {
  state.predOffset = 0;
  loadPredictions().catch(showError);
});
$('#pred-prev').addEventListener('click', () => {
  state.predOffset = Math.max(0, state.predOffset - PAGE);
  loadPredictions().catch(showError);
});
$('#pred-next').addEventListener('click', () => {
  state.predOffset += PAGE;
  loadPredictions().catch(showError);
});
const route = () => {
  const m = /^#(run|curve)=(.+)$/.exec(location.hash);
  if (m?.[1] === 'run') openRun(decodeURIComponent(m[2])).catch(showError);
  if (m?.[1] === 'curve') openCurve(decodeURIComponent(m[2])).catch(showError);
};
window.addEventListener('hashchange', route);
await Promise.all([loadRuns(), loadCurves()]).catch(showError);
route();
document.body.dataset.ready = 'true';
