// history.js — the charging records, newest first, a page at a time; the CSV holds the last 1000.
'use strict';

let before = null;

async function page() {
	const q = before ? '?limit=20&before=' + before : '?limit=20';
	const h = await WL.api('GET', '/api/history' + q);
	const body = document.getElementById('records');
	for (const r of h.records) {
		body.append(WL.el('tr', {},
			WL.el('td', { className: 'num' }, r.no),
			WL.el('td', {}, WL.time(r.start)),
			WL.el('td', {}, WL.time(r.end)),
			WL.el('td', {}, r.startMode),
			WL.el('td', {}, r.stopMode),
			WL.el('td', { className: 'num' }, WL.num(r.energyKwh, 3) + ' kWh'),
			WL.el('td', {}, r.idTag)));
	}
	before = h.next;
	document.getElementById('more').hidden = !h.next;
	document.getElementById('empty').hidden = body.children.length > 0;
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	try { await page(); } catch (e) { WL.say('msg', e.message, 'error'); }
	document.getElementById('more').addEventListener('click', () => page().catch((e) => WL.say('msg', e.message, 'error')));
});
