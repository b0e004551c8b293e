// faults.js — the fault report: protections latched now, and the fault log with times.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
	await WL.requireLogin();
	try {
		const f = await WL.api('GET', '/api/faults');
		const active = document.getElementById('active');
		for (const a of f.active) active.append(WL.el('li', {}, WL.el('b', {}, a.code), ' — ' + a.what + ' (OCPP ' + a.ocppErrorCode + ')'));
		document.getElementById('none').hidden = f.active.length > 0;
		const log = document.getElementById('log');
		for (const r of f.log) {
			log.append(WL.el('tr', {}, WL.el('td', { className: 'num' }, r.no), WL.el('td', {}, WL.time(r.at)),
				WL.el('td', {}, r.code), WL.el('td', {}, r.what)));
		}
		if (!f.log.length) log.append(WL.el('tr', {}, WL.el('td', { colSpan: 4, className: 'hint' }, 'No faults recorded.')));
	} catch (e) { WL.say('msg', e.message, 'error'); }
});
