// Situation picture: the timeline of the period's active measures (status in $active)
// per priority group: each measure advancing a goal the group sets, with its start and
// end, once per group. Overdue: its end is before $as_of (the gaps analysis'
// overdue_measures). The first $limit rows, overdue ones first, then by end, come out;
// `total` counts them all.
// params: period, as_of, limit, active
// columns: total (int), rows (list of {group, number, id, title ({fi, sv, en}), start,
//          end, overdue, source})
MATCH (g:PriorityGroup)-[:SETS]->(:Goal)<-[:ADVANCES]-(m:Measure)
WHERE g.period = $period AND m.status IN $active AND m.start IS NOT NULL
  AND m.end IS NOT NULL
WITH DISTINCT g, m
ORDER BY m.end < $as_of DESC, m.end, g.number, m.id
WITH collect({group: g.id, number: g.number, id: m.id,
  title: {fi: m.title_fi, sv: m.title_sv, en: m.title_en}, start: m.start, end: m.end,
  overdue: m.end < $as_of, source: m.source}) AS rows
RETURN size(rows) AS total, rows[..$limit] AS rows
