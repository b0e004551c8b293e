/* evse_pwm.c — amps <-> duty: 6..51 A is duty = A / 0.6, 51..80 A is duty = A / 2.5 + 64. */
#include "evse_pwm.h"

#include <math.h>

#include "evse_hal.h"

double evse_pwm_duty(double amps)
{
	if (!(amps >= EVSE_MIN_CURRENT_A))
		return EVSE_DUTY_OFF;
	if (amps > EVSE_MAX_CURRENT_A)
		amps = EVSE_MAX_CURRENT_A;
	double duty = amps <= 51.0 ? amps / 0.6 : amps / 2.5 + 64.0;
	/* the EV reads the duty to 0.1 %: round down so it never reads more than was meant */
	return floor(duty * 10.0 + 1e-9) / 10.0;
}

double evse_pwm_amps(double duty)
{
	if (duty >= 8.0 && duty < 10.0)
		return 6.0;
	if (duty >= 10.0 && duty <= 85.0)
		return duty * 0.6;
	if (duty > 85.0 && duty <= 96.0)
		return (duty - 64.0) * 2.5;
	if (duty > 96.0 && duty <= 97.0)
		return 80.0;
	return 0.0;
}
