-- Interval and small-n macros, so every study view carries them in one expression: wilson_low(k, n),
-- wilson_high(k, n) (95% Wilson score interval, the formula of warehouse.estimates.wilson_interval), and
-- below_min_n(n) with the minimum n this build recorded in study_settings.

-- z of a two-sided 95% interval (warehouse.estimates.z_value(0.95)) and its square, as Python computes them;
-- tests/test_estimates.py checks both against Python.
CREATE OR REPLACE MACRO interval_z() AS 1.9599639845400536;
CREATE OR REPLACE MACRO interval_z_squared() AS 3.8414588206941236;

-- p = k / n; Wilson: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n); NULL without persons.
CREATE OR REPLACE MACRO wilson_low(k, n) AS
    CASE WHEN n IS NULL OR n <= 0 OR k IS NULL THEN NULL
         WHEN k <= 0 THEN 0.0
         ELSE greatest(0.0, ((k::DOUBLE / n) + interval_z_squared() / (2.0 * n)) / (1 + interval_z_squared() / n)
                            - interval_z() * sqrt(greatest((k::DOUBLE / n) * (1 - k::DOUBLE / n) / n, 0)
                                                  + interval_z_squared() / (4.0 * n * n))
                              / (1 + interval_z_squared() / n)) END;
CREATE OR REPLACE MACRO wilson_high(k, n) AS
    CASE WHEN n IS NULL OR n <= 0 OR k IS NULL THEN NULL
         WHEN k >= n THEN 1.0
         ELSE least(1.0, ((k::DOUBLE / n) + interval_z_squared() / (2.0 * n)) / (1 + interval_z_squared() / n)
                         + interval_z() * sqrt(greatest((k::DOUBLE / n) * (1 - k::DOUBLE / n) / n, 0)
                                               + interval_z_squared() / (4.0 * n * n))
                           / (1 + interval_z_squared() / n)) END;

CREATE OR REPLACE MACRO study_min_n() AS (SELECT value::INTEGER FROM study_settings WHERE name = 'min_n');
CREATE OR REPLACE MACRO below_min_n(n) AS (n IS NULL OR n < study_min_n());
