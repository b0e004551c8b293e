// group-history.js — every transaction of the group (search by card or user, filter by point and dates, CSV and
// Excel downloads of the same selection) and the energy per point and day or month (no chart library is served
// by the station: a table with a bar per row).
'use strict';

const $ = (id) => document.getElementById(id);
let before = null;

function query(paging) {
	const q = new URLSearchParams();
	const text = $('q').value.trim();
	if (text) q.set('q', text);
	if ($('point').value) q.set('point', $('point').value);
	if ($('fromDay').value) q.set('from', $('fromDay').value);
	if ($('toDay').value) q.set('to', $('toDay').value);
	if (paging && before) q.set('before', before);
	return q.toString();
}

async function page(fresh) {
	if (fresh) before = null;
	const q = query(true);
	const r = await WL.api('GET', '/api/group/transactions' + (q ? '?' + q : ''));
	const body = $('tx');
	const rows = r.transactions.map((t) => WL.el('tr', {},
		WL.el('td', { className: 'num' }, t.no),
		WL.el('td', {}, `${t.point} (${t.satellite})`),
		WL.el('td', {}, t.idTag, WL.el('span', { className: 'hint' }, t.user || 'no user')),
		WL.el('td', {}, WL.time(t.start), WL.el('span', { className: 'hint' }, t.stop ? WL.time(t.stop) : 'running')),
		WL.el('td', { className: 'num' }, `${WL.num(t.energyKwh, 3)} kWh`),
		WL.el('td', {}, t.stopReason || '—', t.refused ? WL.el('span', { className: 'hint' }, `refused (${t.refused})`) : '')));
	if (fresh) body.replaceChildren(...rows); else body.append(...rows);
	before = r.next;
	$('more').hidden = !r.next;
	$('noTx').hidden = body.children.length > 0;
	const dl = query(false);
	$('csv').href = '/api/group/transactions.csv' + (dl ? '?' + dl : '');
	$('xlsx').href = '/api/group/transactions.xlsx' + (dl ? '?' + dl : '');
}

async function consumption() {
	const r = await WL.api('GET', '/api/group/consumption?by=' + $('by').value);
	const max = Math.max(0.001, ...r.rows.map((x) => x.energyKwh));
	$('cons').replaceChildren(...r.rows.map((x) => WL.el('tr', {},
		WL.el('td', {}, x.period),
		WL.el('td', {}, x.point),
		WL.el('td', { className: 'num' }, x.sessions),
		WL.el('td', { className: 'num' }, `${WL.num(x.energyKwh, 3)} kWh`),
		WL.el('td', {}, WL.el('meter', { min: 0, max, value: x.energyKwh, title: `${WL.num(x.energyKwh, 3)} kWh` })))));
	$('noCons').hidden = r.rows.length > 0;
	return r;
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	let c;
	try { c = await consumption(); } catch (e) {
		WL.say('msg', e.status === 404 ? 'This station is not the Master of a group.' : e.message, 'error');
		return;
	}
	for (let k = 1; k <= c.points; k++) $('point').append(WL.el('option', { value: k }, `point ${k}`));
	for (const id of ['filter', 'txBox', 'consBox']) $(id).hidden = false;
	const fail = (e) => WL.say('msg', e.message, 'error');
	page(true).catch(fail);
	$('filter').addEventListener('submit', (ev) => { ev.preventDefault(); WL.say('msg', ''); page(true).catch(fail); });
	$('more').addEventListener('click', () => page(false).catch(fail));
	$('by').addEventListener('change', () => consumption().catch(fail));
});
