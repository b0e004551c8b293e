/* evse_pwm.h — the pilot duty cycle for an offered current and back (IEC 61851-1 tables A.7/A.8). */
#ifndef EVSE_PWM_H
#define EVSE_PWM_H

#define EVSE_MIN_CURRENT_A 6.0  /* below this nothing may be offered: the session is suspended */
#define EVSE_MAX_CURRENT_A 80.0 /* the highest current a duty cycle can express */

/* Duty in percent for amps (6..80 A; 10 % .. 96 %); EVSE_DUTY_OFF (100) below 6 A. */
double evse_pwm_duty(double amps);
/* The current a duty offers; 0 for no offer (100 %, 0 %, 5 % digital, out of band). */
double evse_pwm_amps(double duty);

#endif
