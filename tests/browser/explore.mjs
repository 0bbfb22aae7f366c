// The page of `kgraph serve` in a real browser (run by tests/browser.rs): Debian's Chromium,
// headless, driven by playwright-core (which downloads no browser). On the seeds store it runs
// an example query and reads its rows, searches "Pashinyan", expands a node, clicks an edge and
// reads one of its evidence sentences, and checks that the page asked nothing of any other host
// and broke no rule of its Content-Security-Policy. Screenshots go to KGRAPH_SCREENSHOTS.
//
//   KGRAPH_URL=http://127.0.0.1:PORT/ KGRAPH_SCREENSHOTS=DIR node tests/browser/explore.mjs
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.env.KGRAPH_URL;
const shots = process.env.KGRAPH_SCREENSHOTS || 'target/browser';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!url) throw new Error('KGRAPH_URL is not set');
mkdirSync(shots, { recursive: true });

const checks = [];
function check(name, ok, detail) {
  checks.push({ name, ok });
  console.log(`${ok ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
  if (!ok) throw new Error(`${name}: ${detail || 'failed'}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'kgraph-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync', '--disable-quic',
  ],
  viewport: { width: 1500, height: 900 },
});
const page = context.pages()[0] || (await context.newPage());
const own = new URL(url).host;
const foreign = [];
const problems = [];
context.on('request', (request) => {
  const u = new URL(request.url());
  if (!['data:', 'blob:'].includes(u.protocol) && u.host !== own) foreign.push(request.url());
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
});
// Any violation of the Content-Security-Policy is reported by the page itself.
await page.addInitScript(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
});

let failed = false;
try {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');

  // Query: an example, run, its rows.
  await page.selectOption('#examples', 'brokered');
  const description = await page.textContent('#example-description');
  check('the example comes with its comment', /brokered/i.test(description), description);
  await page.click('#run');
  await page.waitForSelector('#results-table tbody tr');
  const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => tr.innerText));
  check('the example query shows rows', rows.length >= 1, `${rows.length} rows`);
  check('Russia brokered the November agreement', rows.some((r) => r.includes('Russia') && r.includes('agreement of 10 November 2020')), rows.join(' | '));
  await page.screenshot({ path: join(shots, 'query.png') });

  // A query typed in, run with Ctrl-Enter: IRIs show as labels that open the entity.
  await page.evaluate(() => window.kgraph.query.editor.setValue(
    'PREFIX kg: <https://w3id.org/kgraph/ontology#>\nSELECT DISTINCT ?country WHERE { ?country a kg:Country }'));
  await page.click('.CodeMirror');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#results-table a.entity');
  const names = await page.$$eval('#results-table a.entity', (as) => as.map((a) => a.textContent));
  check('IRIs show as labels', names.includes('Armenia'), names.join(', '));
  await page.click('#results-table a.entity >> text=Armenia');
  await page.waitForSelector('#explore-view:not(.hidden) #details h2');
  await page.waitForFunction(() => document.querySelector('#details h2').textContent === 'Armenia');
  check('a label opens its entity in Explore', true);
  await page.click('#clear');

  // Explore: search, expand.
  await page.fill('#search', 'Pashinyan');
  await page.waitForSelector('#search-results li[data-iri]');
  const hit = await page.textContent('#search-results li[data-iri]');
  check('search finds Pashinyan', hit.includes('Pashinyan'), hit);
  await page.click('#search-results li[data-iri]');
  await page.waitForFunction(() => window.kgraph.explore.cy.nodes().length > 1);
  await page.waitForFunction(() => !window.kgraph.explore.cy.animated());
  const first = await page.evaluate(() => window.kgraph.explore.cy.nodes().length);
  check('the entity is expanded into its neighbours', first > 1, `${first} nodes`);

  // Click (a real mouse click on the canvas) a neighbour that is not yet expanded.
  const box = await page.locator('#graph').boundingBox();
  const aim = (id) => page.evaluate((id) => {
    const { cy, expanded } = window.kgraph.explore;
    const candidates = cy.nodes().filter((n) => !expanded.has(n.id()) && n.visible());
    const node = id ? cy.getElementById(id) : candidates.max((n) => n.data('documents')).ele || candidates[0];
    // The page may still be animating the view onto the entity it expanded (it can start after
    // the wait above saw no animation): end it, so that the view holds still for the click.
    cy.stop(true, true);
    cy.center(node);
    const p = node.renderedPosition();
    return { id: node.id(), label: node.data('label'), x: p.x, y: p.y };
  }, id);
  // A real mouse click on the node; on a loaded machine the view may still move under the
  // pointer (a layout finishing), so the node is aimed at again and clicked again, up to
  // five times, before the step fails.
  let target = await aim(null);
  for (let attempt = 1; ; attempt++) {
    await page.mouse.click(box.x + target.x, box.y + target.y);
    const hit = await page
      .waitForFunction((id) => window.kgraph.explore.expanded.has(id), target.id, { timeout: 6000 })
      .then(() => true, () => false);
    if (hit) break;
    if (attempt === 5) throw new Error(`clicking ${target.label} at (${target.x}, ${target.y}) never expanded it`);
    await page.waitForTimeout(500);
    target = await aim(target.id);
  }
  const second = await page.evaluate(() => window.kgraph.explore.cy.nodes().length);
  check(`clicking ${target.label} expands it`, second >= first, `${first} → ${second} nodes`);
  await page.waitForFunction(() => !window.kgraph.explore.cy.animated());

  // Click an edge where no node covers it, and read its evidence.
  const edge = await page.evaluate(() => {
    const { cy } = window.kgraph.explore;
    cy.fit(cy.elements(), 40);
    const inside = (p, bb) => p.x >= bb.x1 - 4 && p.x <= bb.x2 + 4 && p.y >= bb.y1 - 4 && p.y <= bb.y2 + 4;
    for (const e of cy.edges(':visible')) {
      const m = e.renderedMidpoint();
      if (cy.nodes().some((n) => inside(m, n.renderedBoundingBox()))) continue;
      if (cy.edges().some((o) => o !== e && Math.hypot(o.renderedMidpoint().x - m.x, o.renderedMidpoint().y - m.y) < 12)) continue;
      return { id: e.id(), label: e.data('label'), x: m.x, y: m.y };
    }
    return null;
  });
  check('an edge can be clicked', edge !== null);
  await page.mouse.click(box.x + edge.x, box.y + edge.y);
  await page.waitForSelector('#details .sentence q');
  const sentence = await page.textContent('#details .sentence q');
  const marks = await page.$$eval('#details .sentence mark', (ms) => ms.map((m) => `${m.className}:${m.textContent}`));
  check(`the ${edge.label} edge shows its evidence`, sentence.trim().length > 20, sentence);
  check('the subject and object are highlighted', marks.some((m) => m.startsWith('subject') || m.startsWith('both')), marks.join(', '));
  const heading = await page.textContent('#details h2');
  check('the evidence names the fact', heading.includes(edge.label), heading);
  // The sidebar as a person first sees it (clicking Clear scrolled it).
  await page.evaluate(() => { document.getElementById('sidebar').scrollTop = 0; });
  await page.screenshot({ path: join(shots, 'explore.png') });

  // The document of the sentence: its facts.
  await page.click('#details .sentence a.doc');
  await page.waitForSelector('#details ul.facts li');
  const facts = await page.$$eval('#details ul.facts li', (lis) => lis.length);
  check('the document lists its facts', facts > 0, `${facts} facts`);

  const csp = await page.evaluate(() => window.__csp);
  check('no Content-Security-Policy violation', csp.length === 0, csp.join('; '));
  check('no request left the server', foreign.length === 0, foreign.join(' '));
  check('no script error', problems.length === 0, problems.join('; '));
} catch (e) {
  failed = true;
  console.log(`FAILED: ${e.message}`);
  await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
const passed = checks.filter((c) => c.ok).length;
console.log(`browser: ${passed} checks passed${failed ? ', the next one failed' : ''}`);
process.exit(failed ? 1 : 0);
