// socket_icon.js — the picture of a socket by type and status (manual 3, "Socket Status graph"): the
// outline of the plug face by type, its colour by status (style.css, .st-<status>).
import { html } from './ui.js';

// pin layouts (cx, cy, r) on a 40x40 face
const PINS = {
	'Type1': [[14, 15, 3.5], [26, 15, 3.5], [20, 26, 4], [13, 25, 2], [27, 25, 2]],
	'Type2': [[13, 14, 3], [20, 11, 3], [27, 14, 3], [12, 22, 3], [28, 22, 3], [16, 29, 2.5], [24, 29, 2.5]],
	'Type3A': [[14, 20, 3.5], [26, 20, 3.5], [20, 27, 2]],
	'Type3C': [[13, 16, 3], [27, 16, 3], [20, 13, 3], [15, 26, 3], [25, 26, 3], [20, 29, 2]],
	'Schuko': [[13, 20, 3.5], [27, 20, 3.5]],
	'CHAdeMO': [[13, 14, 4], [27, 14, 4], [20, 27, 3], [13, 24, 2], [27, 24, 2]],
	'CCS2': [[13, 11, 2.5], [20, 9, 2.5], [27, 11, 2.5], [14, 30, 4], [26, 30, 4]],
};

export function SocketIcon({ type, status }) {
	const pins = PINS[type];
	return html`<svg class=${'socket-icon st-' + status} viewBox="0 0 40 40" role="img" aria-hidden="true">
		${type === 'Schuko' ? html`<rect class="face" x="3" y="3" width="34" height="34" rx="8" />`
			: type === 'CCS2' ? html`<path class="face" d="M6 4h28v17a14 14 0 0 1-28 0z" />`
			: html`<circle class="face" cx="20" cy="20" r="17" />`}
		${pins ? pins.map(([x, y, r]) => html`<circle class="pin" cx=${x} cy=${y} r=${r} />`)
			: html`<text class="unknown" x="20" y="26" text-anchor="middle">?</text>`}
	</svg>`;
}
