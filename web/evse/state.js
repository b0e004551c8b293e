// state.js — the State page: every value of the charger state, live from /api/events.
'use strict';

const FIELDS = {
	state: (s) => s.state,
	mode: (s) => s.mode,
	display: (s) => s.display,
	serialNumber: (s) => s.serialNumber,
	softwareVersion: (s) => s.softwareVersion,
	gridVoltage: (s) => WL.num(s.gridVoltage, 2) + ' V',
	gridFrequency: (s) => WL.num(s.gridFrequency, 2) + ' Hz',
	outputCurrent: (s) => WL.num(s.outputCurrent, 2) + ' A',
	activePowerKw: (s) => WL.num(s.activePowerKw, 3) + ' kW',
	chargingMinutes: (s) => s.chargingMinutes + ' min',
	sessionEnergy: (s) => (s.session && s.session.active ? WL.num(s.session.energyWh / 1000, 3) + ' kWh' : '—'),
	systemTime: (s) => WL.time(s.systemTime),
	relayTemperature: (s) => WL.num(s.relayTemperature, 0) + ' °C',
	ambientTemperature: (s) => WL.num(s.ambientTemperature, 0) + ' °C',
	cpVoltage: (s) => WL.num(s.cpVoltage, 2) + ' V',
	fan: (s) => s.fan,
	online: (s) => (s.online ? 'connected' : 'not connected'),
	scheduledStart: (s) => (s.scheduledStart ? WL.time(s.scheduledStart) : 'none'),
	errors: (s) => (s.errors && s.errors.length ? s.errors.join(', ') : 'none'),
};

document.addEventListener('DOMContentLoaded', () => {
	const link = document.getElementById('link');
	WL.follow((s) => {
		for (const td of document.querySelectorAll('[data-field]')) {
			const f = FIELDS[td.dataset.field];
			if (f) td.textContent = f(s);
		}
	}, (up) => {
		link.textContent = up ? 'live' : 'reconnecting…';
		link.className = 'badge ' + (up ? 'live' : 'down');
	});
});
