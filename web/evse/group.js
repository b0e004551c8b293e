// group.js — the Master's Local Management System: every point of the group, live (polled every 2 s), with its
// actions (start for a card, stop, pause / resume, soft reset, current limit), the load-balancing threshold,
// the Satellites' firmware, the OCPP link and the hard reset of the whole system. Each action is confirmed.
'use strict';

const POLL_MS = 2000;
const cards = new Map(); // point k -> its card's elements

function duration(s) {
	const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
	return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
}

async function act(method, path, body, question) {
	if (question && !window.confirm(question)) return null;
	try {
		const r = await WL.api(method, path, body || {});
		WL.say('msg', r.message || 'Done.', 'ok');
		await refresh();
		return r;
	} catch (e) {
		WL.say('msg', e.message, 'error');
		return null;
	}
}

function field(box, name) { return box.querySelector(`[data-field="${name}"]`); }

// One point's card, built once; refresh() only changes its text.
function pointCard(p) {
	const k = p.k;
	const where = p.satellite ? `${p.satellite}, connector ${p.connector}` : 'the Master';
	const idTag = WL.el('input', { type: 'text', maxLength: 20, placeholder: 'card (id tag)', ariaLabel: `card for point ${k}` });
	const limit = WL.el('input', { type: 'number', min: 0, max: 80, step: 1, ariaLabel: `current limit of point ${k} (A)` });
	const pause = WL.el('button', { type: 'button', className: 'secondary', dataset: { action: 'pause' } }, 'Pause');
	const box = WL.el('section', { className: 'point', dataset: { point: k } },
		WL.el('h2', {}, `Point ${k}`, WL.el('span', { className: 'hint' }, where),
			WL.el('span', { className: 'badge', dataset: { field: 'status' } }, '—')),
		WL.el('table', { className: 'kv' },
			WL.el('tr', {}, WL.el('th', {}, 'Link'), WL.el('td', { dataset: { field: 'link' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Error'), WL.el('td', { dataset: { field: 'error' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Offered by the balancer'), WL.el('td', { className: 'num', dataset: { field: 'limit' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Card'), WL.el('td', { dataset: { field: 'card' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Duration'), WL.el('td', { className: 'num', dataset: { field: 'duration' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Energy'), WL.el('td', { className: 'num', dataset: { field: 'energy' } }, '—')),
			WL.el('tr', {}, WL.el('th', {}, 'Current / power'), WL.el('td', { className: 'num', dataset: { field: 'power' } }, '—'))),
		WL.el('div', { className: 'actions' }, idTag,
			WL.el('button', { type: 'button', dataset: { action: 'start' }, onclick: () => {
				const id = idTag.value.trim();
				if (!id) { WL.say('msg', 'Type the card (id tag) to start with.', 'error'); return; }
				act('POST', `/api/group/points/${k}/start`, { idTag: id }, `Start a session on point ${k} for card ${id}?`);
			} }, 'Start')),
		WL.el('div', { className: 'actions' },
			WL.el('button', { type: 'button', className: 'secondary', dataset: { action: 'stop' },
				onclick: () => act('POST', `/api/group/points/${k}/stop`, {}, `Stop the session on point ${k}?`) }, 'Stop'),
			pause,
			WL.el('button', { type: 'button', className: 'secondary', dataset: { action: 'reset' },
				onclick: () => act('POST', `/api/group/points/${k}/reset`, {}, `Soft reset of point ${k} (${where})? It restarts.`) }, 'Soft reset')),
		WL.el('div', { className: 'actions' }, limit,
			WL.el('button', { type: 'button', className: 'secondary', dataset: { action: 'limit' }, onclick: () =>
				act('PUT', `/api/group/points/${k}/limit`, { limitA: Number(limit.value) },
					`Limit point ${k} to ${Number(limit.value) ? limit.value + ' A' : 'its maximum'}?`) }, 'Set limit (A)')));
	pause.addEventListener('click', () => {
		const resume = pause.dataset.action === 'resume';
		act('POST', `/api/group/points/${k}/${resume ? 'resume' : 'pause'}`, {},
			resume ? `Resume point ${k}?` : `Pause point ${k}? Its session is kept at 0 A (SuspendedEVSE).`);
	});
	limit.value = p.capA;
	cards.set(k, { box, pause });
	return box;
}

function showPoint(p) {
	const { box, pause } = cards.get(p.k);
	const s = p.session;
	const badge = field(box, 'status');
	badge.textContent = p.paused ? `${p.status} · paused` : p.status;
	badge.className = 'badge ' + (!p.connected || p.errorCode !== 'NoError' ? 'down' : p.paused ? 'warn' : s ? 'live' : '');
	field(box, 'link').textContent = p.connected ? 'connected' : 'not connected';
	field(box, 'error').textContent = p.errorCode;
	field(box, 'limit').textContent = p.limitA == null ? (p.paused ? '0 A (paused)' : 'no balancing') : `${WL.num(p.limitA, 1)} A`;
	field(box, 'card').textContent = s ? (s.user ? `${s.idTag} (${s.user})` : s.idTag) : '—';
	field(box, 'duration').textContent = s ? duration(s.durationS) : '—';
	field(box, 'energy').textContent = s ? `${WL.num(s.energyKwh, 3)} kWh` : '—';
	field(box, 'power').textContent = !s ? '—' : s.currentA == null && s.powerW == null ? 'not reported yet (MeterValues)'
		: `${s.currentA == null ? '—' : WL.num(s.currentA, 1) + ' A'} / ${s.powerW == null ? '—' : WL.num(s.powerW / 1000, 2) + ' kW'}`;
	pause.dataset.action = p.paused ? 'resume' : 'pause';
	pause.textContent = p.paused ? 'Resume' : 'Pause';
}

let first = true;
async function refresh() {
	const g = await WL.api('GET', '/api/group');
	const list = document.getElementById('points');
	for (const p of g.points) {
		if (!cards.has(p.k)) list.append(pointCard(p));
		showPoint(p);
	}
	const link = document.getElementById('link');
	field(link, 'url').textContent = g.upstream.url || 'none';
	const c = field(link, 'connected');
	c.textContent = g.upstream.connected ? 'connected' : 'not connected';
	c.className = 'badge ' + (g.upstream.connected ? 'live' : 'down');
	field(link, 'lastMessage').textContent = WL.time(g.upstream.lastMessage);
	field(link, 'queued').textContent = g.upstream.queued;
	const sats = document.getElementById('sats');
	sats.replaceChildren(...g.satellites.map((s) => WL.el('tr', {},
		WL.el('td', {}, `${s.id} (point${s.connectors > 1 ? 's' : ''} ${s.first}${s.connectors > 1 ? '–' + (s.first + s.connectors - 1) : ''})`),
		WL.el('td', {}, s.connected ? 'yes' : 'no'),
		WL.el('td', {}, s.firmwareStatus || '—'),
		WL.el('td', {}, WL.time(s.firmwareAt)))));
	if (first) {
		first = false;
		document.getElementById('threshold').value = g.thresholdA;
		const sel = document.getElementById('fwPoint');
		for (const p of g.points) if (p.satellite) sel.append(WL.el('option', { value: p.k }, `point ${p.k} (${p.satellite})`));
		for (const id of ['link', 'balance', 'firmware', 'danger']) document.getElementById(id).hidden = false;
	}
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	try { await refresh(); } catch (e) {
		WL.say('msg', e.status === 404 ? 'This station is not the Master of a group.' : e.message, 'error');
		return;
	}
	setInterval(() => refresh().catch((e) => WL.say('msg', e.message, 'error')), POLL_MS);
	document.getElementById('balance').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const a = Number(document.getElementById('threshold').value);
		act('PUT', '/api/group/settings', { thresholdA: a }, a ? `Balance the group under ${a} A per phase?` : 'Turn load balancing off?')
			.then((r) => { if (r) WL.say('msg', `Threshold ${r.thresholdA} A per phase saved.`, 'ok'); });
	});
	document.getElementById('firmware').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const k = Number(document.getElementById('fwPoint').value), url = document.getElementById('fwUrl').value.trim();
		act('POST', '/api/group/firmware', { point: k, location: url },
			`Send UpdateFirmware (${url}) to ${k ? 'point ' + k : 'every connected Satellite'}?`);
	});
	document.getElementById('resetAll').addEventListener('click', () =>
		act('POST', '/api/group/reset', {}, 'Hard reset of the WHOLE system: every Satellite, then the Master? Running sessions end.'));
});
