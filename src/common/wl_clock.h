/* wl_clock.h — the two clocks both programs read: monotonic milliseconds for timers and deadlines,
 * wall-clock milliseconds since the Unix epoch for timestamps that leave the process. */
#ifndef WL_CLOCK_H
#define WL_CLOCK_H

#include <stdint.h>

uint64_t wl_mono_ms(void);
uint64_t wl_wall_ms(void);

#endif
