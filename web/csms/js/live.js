// live.js — one EventSource on GET /api/v1/live shared by the pages. Subscribers get each event
// (type, data); after a dropped stream it reconnects and tells them to reload their state ('reconnected').
const subs = new Set();
let es = null, state = 'closed', wasOpen = false, timer = null, stopped = true;
const TYPES = ['socket', 'transaction', 'station'];

function emit(type, data) { for (const fn of subs) { try { fn(type, data); } catch (e) { console.warn(e); } } }

function open() {
	if (stopped) return;
	es = new EventSource('/api/v1/live');
	state = 'connecting';
	es.onopen = () => {
		state = 'open';
		if (wasOpen) emit('reconnected', null);
		wasOpen = true;
		emit('link', 'open');
	};
	es.onerror = () => {
		es.close();
		es = null;
		state = 'closed';
		emit('link', 'closed');
		clearTimeout(timer);
		timer = setTimeout(open, 3000);
	};
	for (const type of TYPES)
		es.addEventListener(type, (ev) => { let d = null; try { d = JSON.parse(ev.data); } catch { return; } emit(type, d); });
}

export function liveStart() { if (!stopped) return; stopped = false; wasOpen = false; open(); }
export function liveStop() { stopped = true; clearTimeout(timer); if (es) es.close(); es = null; state = 'closed'; }
export function liveState() { return state; }
export function subscribe(fn) { subs.add(fn); return () => subs.delete(fn); }
