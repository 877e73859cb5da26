// Goal progress: one row per goal with a target, sorted by goal id (docs/analyses.md,
// "goal-progress"). $year is the year of the day asked about: the latest observation is
// the one of the target's indicator with the greatest year after the baseline year and
// not after $year.
// Whole numbers are computed exactly in integers; when a number is decimal, in double
// precision in the order the documentation gives, so that the oracle's arithmetic is the
// same (tests/oracle.py).
// params: year
// columns: goal, indicator, baseline_year, baseline, target_year, target, latest_year,
//   latest, progress, status
MATCH (g:Goal)
WHERE g.target_indicator IS NOT NULL
OPTIONAL MATCH (i:Indicator {id: g.target_indicator})
CALL (g) {
  OPTIONAL MATCH (o:Observation {indicator: g.target_indicator})
  WHERE g.target_baseline_year < o.year <= $year
  WITH o
  ORDER BY o.year DESC
  LIMIT 1
  RETURN o.year AS latest_year, o.value AS latest
}
WITH g, i.direction AS direction, g.target_baseline_year AS baseline_year,
  g.target_baseline AS baseline, g.target_year AS target_year, g.target_value AS target,
  latest_year, latest
// a: the change so far; b: the change the target asks for
WITH g, direction, baseline_year, baseline, target_year, target, latest_year, latest,
  latest - baseline AS a, target - baseline AS b
WITH g, direction, baseline_year, baseline, target_year, target, latest_year, latest, a, b,
  CASE
    WHEN latest IS NULL THEN 'no_data'
    WHEN (direction = 'decrease' AND latest <= target)
      OR (direction = 'increase' AND latest >= target) THEN 'achieved'
    // the line through the baseline and the latest value at the target year, without
    // division: latest_year > baseline_year
    WHEN (direction = 'decrease'
        AND a * (target_year - baseline_year) <= b * (latest_year - baseline_year))
      OR (direction = 'increase'
        AND a * (target_year - baseline_year) >= b * (latest_year - baseline_year))
      THEN 'on_track'
    ELSE 'off_track'
  END AS status,
  CASE
    WHEN latest IS NULL OR b = 0 THEN null
    // whole numbers: the thousandths rounded half away from zero, exactly
    // (|a| <= 2 * 10^15, so 2000 * |a| + |b| fits in 64 bits)
    WHEN a IS :: INTEGER AND b IS :: INTEGER
      THEN sign(a) * sign(b) * ((2000 * abs(a) + abs(b)) / (2 * abs(b))) / 1000.0
  END AS whole,
  CASE
    WHEN latest IS NULL OR b = 0 OR (a IS :: INTEGER AND b IS :: INTEGER) THEN null
    ELSE toFloat(a) / toFloat(b)
  END AS p
WITH g, direction, baseline_year, baseline, target_year, target, latest_year, latest, status,
  whole, p, floor(abs(p) * 1000 + 0.5) AS thousandths
ORDER BY g.id
RETURN g.id AS goal, g.target_indicator AS indicator, baseline_year, baseline, target_year,
  target, latest_year, latest,
  CASE
    WHEN whole IS NOT NULL THEN whole
    WHEN p IS NULL THEN null
    WHEN thousandths = 0 THEN 0.0
    ELSE sign(p) * thousandths / 1000
  END AS progress,
  status
