/* csms_budget.c — per-station token buckets for messages and bytes. */
#include "csms_budget.h"

#include <math.h>

static void refill(double *tokens, long rate, double elapsed_s)
{
	double cap = (double)rate * CSMS_BUDGET_WINDOW_S;
	*tokens += (double)rate * elapsed_s;
	if (*tokens > cap)
		*tokens = cap;
}

/* ms until tokens are back to zero at rate */
static uint64_t wait_ms(double tokens, long rate)
{
	return rate > 0 && tokens < 0 ? (uint64_t)ceil(-tokens * 1000.0 / (double)rate) : 0;
}

uint64_t csms_budget_take(struct csms_budget *b, const struct csms_budget_limits *lim, size_t len, uint64_t now)
{
	if (b->at == 0) {
		b->msgs = (double)lim->msg_rate * CSMS_BUDGET_WINDOW_S;
		b->bytes = (double)lim->byte_rate * CSMS_BUDGET_WINDOW_S;
	} else if (now > b->at) {
		double elapsed = (double)(now - b->at) / 1000.0;
		refill(&b->msgs, lim->msg_rate, elapsed);
		refill(&b->bytes, lim->byte_rate, elapsed);
	}
	b->at = now ? now : 1;
	if (lim->msg_rate > 0)
		b->msgs -= 1.0;
	if (lim->byte_rate > 0)
		b->bytes -= (double)len;
	uint64_t wm = wait_ms(b->msgs, lim->msg_rate), wb = wait_ms(b->bytes, lim->byte_rate);
	uint64_t wait = wm > wb ? wm : wb;
	if (wait)
		b->over++;
	return wait;
}
