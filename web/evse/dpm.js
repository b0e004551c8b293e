// dpm.js — the "Dynamic Power Management" page (000, app function 04): the functioning mode and its
// settings, and the live grid, house, PV and EV figures; the station checks every value again.
'use strict';

const FIELDS = ['enabled', 'mode', 'renewable', 'limit', 'minGridShare'];

function watts(v) { return typeof v === 'number' ? WL.num(v / 1000, 2) + ' kW' : '—'; }

function show(d) {
	const text = {
		reason: d.enabled ? d.reason : 'off',
		gridW: watts(d.gridW), houseW: watts(d.houseW), pvW: d.pvW === null ? 'no reading' : watts(d.pvW), evW: watts(d.evW),
		availableA: WL.num(d.availableA, 1) + ' A', offeredA: WL.num(d.offeredA, 1) + ' A',
		meter: !d.meterConfigured ? 'not configured' : d.meterFault ? 'ERR MET: ' + d.meterError : d.meter + (d.haveReading ? ', answering' : ', no reading yet'),
	};
	for (const [k, v] of Object.entries(text)) document.querySelector(`[data-field="${k}"]`).textContent = v;
	document.getElementById('live').hidden = false;
}

function fill(d) {
	document.getElementById('enabled').checked = d.enabled;
	document.getElementById('renewable').checked = d.renewable;
	document.getElementById('mode').value = d.mode;
	document.getElementById('limit').value = String(d.limit);
	document.getElementById('minGridShare').value = String(d.minGridShare);
	for (const o of document.querySelectorAll('#mode option')) o.disabled = o.value !== 'FULL' && !d.renewable;
}

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	const form = document.getElementById('dpm');
	try {
		const d = await WL.api('GET', '/api/dpm');
		fill(d);
		show(d);
	} catch (e) { WL.say('msg', e.message, 'error'); return; }
	form.hidden = false;
	document.getElementById('renewable').addEventListener('change', (ev) => {
		for (const o of document.querySelectorAll('#mode option')) o.disabled = o.value !== 'FULL' && !ev.target.checked;
	});
	setInterval(async () => { try { show(await WL.api('GET', '/api/dpm')); } catch (e) { /* the next one */ } }, 2000);
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = {};
		for (const f of FIELDS) {
			const e = document.getElementById(f);
			body[f] = e.type === 'checkbox' ? e.checked : e.type === 'number' ? Number(e.value) : e.value;
		}
		try {
			const d = await WL.api('PUT', '/api/dpm', body);
			fill(d);
			show(d);
			WL.say('msg', 'Saved.', 'ok');
		} catch (e) { WL.say('msg', e.message, 'error'); }
	});
});
