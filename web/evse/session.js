// session.js — what the driver's app offers: authorise a session, follow it live, stop it, schedule a
// start (at a time or after a delay), change the operating mode.
'use strict';

let mode = null;

function render(s) {
	const set = (f, v) => { document.querySelector(`[data-field="${f}"]`).textContent = v; };
	set('state', s.state);
	set('session', s.session.active ? `charging for ${s.session.idTag} (${s.session.startMode})`
		: s.session.authorized ? 'authorised: plug in the EV' : 'none');
	set('energy', s.session.active ? WL.num(s.session.energyWh / 1000, 3) + ' kWh' : '—');
	set('power', WL.num(s.activePowerKw, 3) + ' kW');
	set('duration', s.chargingMinutes + ' min');
	set('scheduledStart', s.scheduledStart ? WL.time(s.scheduledStart) : 'none');
	if (s.mode !== mode) showMode(s.mode);
}

async function showMode(m) {
	mode = m;
	document.getElementById('mode').value = m;
	document.getElementById('free-note').hidden = m !== 'FREE';
	document.getElementById('by-slot').hidden = m !== 'PERSONAL';
	document.getElementById('by-tag').hidden = m !== 'WEB';
	document.getElementById('authorise').disabled = m === 'FREE';
	if (m === 'PERSONAL') {
		const c = await WL.api('GET', '/api/cards');
		const sel = document.getElementById('slot');
		sel.replaceChildren(...c.cards.filter((x) => x.uid).map((x) => WL.el('option', { value: String(x.slot) }, `Card ${x.slot}: ${x.uid}`)));
		if (!sel.children.length) sel.append(WL.el('option', { value: '' }, 'no cards: write one on the Cards page'));
	}
}

async function act(fn, ok) {
	try { await fn(); if (ok) WL.say('msg', ok, 'ok'); } catch (e) { WL.say('msg', e.message, 'error'); }
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	for (const id of ['start', 'schedule', 'mode-form']) document.getElementById(id).hidden = false;
	const link = document.getElementById('link');
	WL.follow(render, (up) => { link.textContent = up ? 'live' : 'reconnecting…'; link.className = 'badge ' + (up ? 'live' : 'down'); });

	document.getElementById('start').addEventListener('submit', (ev) => {
		ev.preventDefault();
		act(async () => {
			const body = mode === 'PERSONAL' ? { slot: Number(document.getElementById('slot').value) } : { idTag: document.getElementById('idTag').value.trim() };
			const r = await WL.api('POST', '/api/session/start', body);
			WL.say('msg', r.status === 'Pending' ? 'Asked the central system…' : 'Authorised: plug in the EV.', 'ok');
		});
	});
	document.getElementById('stop').addEventListener('click', () => act(() => WL.api('POST', '/api/session/stop'), 'Stopping the session.'));
	document.getElementById('schedule').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const at = document.getElementById('at').value, delay = document.getElementById('delay').value;
		act(async () => {
			const body = delay ? { delayMinutes: Number(delay) } : at ? { at: new Date(at).toISOString() } : null;
			if (!body) throw new Error('Give a start time or a delay.');
			const r = await WL.api('POST', '/api/schedule', body);
			WL.say('msg', 'Start scheduled at ' + WL.time(r.at) + '.', 'ok');
		});
	});
	document.getElementById('unplan').addEventListener('click', () => act(() => WL.api('DELETE', '/api/schedule'), 'Schedule cancelled.'));
	document.getElementById('mode-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		act(async () => {
			const r = await WL.api('PUT', '/api/settings', { mode: document.getElementById('mode').value });
			WL.say('msg', r.restartRequired.includes('mode') ? 'Saved: the new mode needs a restart.' : 'Mode changed to ' + r.settings.mode + '.', 'ok');
		});
	});
});
