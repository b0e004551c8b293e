// settings.js — the installer's settings (003 §8.1.2); the station checks every value again.
'use strict';

const NAMES = ['chargePowerKw', 'maxCurrent', 'chargingCase', 'rfidType', 'powerSystem', 'mode', 'ocppUrl'];
let stationOffset = 0;

function fill(s) {
	for (const n of NAMES) document.getElementById(n).value = String(s[n]);
	const p = document.getElementById('pending');
	p.textContent = s.restartPending.length ? 'Saved, in force after a restart: ' + s.restartPending.join(', ') : '';
	stationOffset = new Date(s.systemTime).getTime() - Date.now();
}

function tickClock() {
	document.getElementById('station-time').textContent = new Date(Date.now() + stationOffset).toLocaleString();
	document.getElementById('device-time').textContent = new Date().toLocaleString();
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	const form = document.getElementById('settings');
	try {
		fill(await WL.api('GET', '/api/settings'));
	} catch (e) { WL.say('msg', e.message, 'error'); return; }
	form.hidden = false;
	document.getElementById('clock').hidden = false;
	tickClock();
	setInterval(tickClock, 1000);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = {
			chargePowerKw: Number(document.getElementById('chargePowerKw').value),
			maxCurrent: Number(document.getElementById('maxCurrent').value),
			chargingCase: document.getElementById('chargingCase').value,
			rfidType: document.getElementById('rfidType').value,
			powerSystem: document.getElementById('powerSystem').value,
			mode: document.getElementById('mode').value,
			ocppUrl: document.getElementById('ocppUrl').value.trim(),
		};
		try {
			const r = await WL.api('PUT', '/api/settings', body);
			fill(r.settings);
			WL.say('msg', r.restartRequired.length ? 'Saved. Restart the station for: ' + r.restartRequired.join(', ') : 'Saved.', 'ok');
		} catch (e) { WL.say('msg', e.message, 'error'); }
	});
	document.getElementById('set-time').addEventListener('click', async () => {
		try {
			const r = await WL.api('PUT', '/api/settings', { systemTime: new Date().toISOString() });
			fill(r.settings);
			WL.say('msg', 'Station time set.', 'ok');
		} catch (e) { WL.say('msg', e.message, 'error'); }
	});
});
