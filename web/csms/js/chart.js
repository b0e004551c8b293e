// chart.js — a transaction's measurements with uPlot (vendor/uPlot.esm.js): one line per measurand /
// phase / location with its unit, one y scale per unit; uPlot's legend hides a line on click, a drag
// on the plot zooms into a time range (double-click: back).
import { html, useEffect, useRef } from './ui.js';
import uPlot from '../vendor/uPlot.esm.js';
import { getLang } from './i18n.js';

const COLOURS = ['#0b5394', '#e69138', '#6aa84f', '#cc0000', '#674ea7', '#45818e', '#bf9000', '#a64d79'];

export function seriesLabel(s) {
	return [s.measurand, s.phase, s.location && s.location !== 'Outlet' ? s.location : null].filter(Boolean).join(' ') + ` (${s.unit})`;
}

// Aligns the series on the union of their times (seconds), null where a series has no sample.
export function align(series) {
	const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p[0]) / 1000)))].sort((a, b) => a - b);
	const index = new Map(times.map((x, i) => [x, i]));
	const cols = series.map((s) => {
		const col = new Array(times.length).fill(null);
		for (const [tm, v] of s.points) col[index.get(Date.parse(tm) / 1000)] = v;
		return col;
	});
	return [times, ...cols];
}

export function MeasurementsChart({ series }) {
	const ref = useRef(null);
	useEffect(() => {
		const units = [...new Set(series.map((s) => s.unit))];
		const width = Math.min(1100, (ref.current.clientWidth || 800));
		const opts = {
			width, height: 360,
			cursor: { drag: { x: true, y: false } },
			scales: Object.fromEntries([['x', { time: true }], ...units.map((u) => [u, { auto: true }])]),
			axes: [{}, ...units.map((u, i) => ({ scale: u, label: u, side: i % 2 ? 1 : 3, grid: { show: i === 0 }, size: 60 }))],
			series: [{ label: getLang() === 'it' ? 'Ora' : 'Time' }, ...series.map((s, i) => ({
				label: seriesLabel(s), scale: s.unit, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: false },
			}))],
		};
		const plot = new uPlot(opts, align(series), ref.current);
		return () => plot.destroy();
	}, [series]);
	return html`<div class="chart" id="tx-chart" ref=${ref}></div>`;
}
