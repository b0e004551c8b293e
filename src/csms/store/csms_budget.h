/* csms_budget.h — a station's message budget: two token buckets (messages and bytes a second, each
 * holding up to BUDGET_WINDOW_S seconds' worth), so that no station can fill the disk or the writer.
 * Pure: the caller passes the monotonic time; the connection pauses reading for the time returned. */
#ifndef CSMS_BUDGET_H
#define CSMS_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#define CSMS_BUDGET_WINDOW_S 10 /* a bucket holds this many seconds of its rate: the burst */

struct csms_budget_limits {
	long msg_rate;  /* messages a second; 0: no limit */
	long byte_rate; /* bytes a second; 0: no limit */
};

struct csms_budget {
	double msgs, bytes;     /* tokens left; negative: the debt of the frame that went over */
	uint64_t at;            /* monotonic ms of the last refill; 0: never used (buckets full) */
	uint64_t last_event_at; /* monotonic ms of the last "over budget" security event (0: none) */
	uint64_t over;          /* frames that went over the budget */
};

/* Charges one frame of len bytes at now. Returns 0 within the budget, else the ms until both buckets
 * are out of debt (the caller stops reading for that long). */
uint64_t csms_budget_take(struct csms_budget *b, const struct csms_budget_limits *lim, size_t len, uint64_t now);

#endif
