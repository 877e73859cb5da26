// Situation picture: the period's active measures (status in $active, advancing a goal
// set by one of the period's priority groups) per administrative branch, with their
// euros and person-years. A measure counts once, for the branch of its lead organisation
// (the first by id when it has several); a measure without a lead, or whose lead has no
// branch, counts for branch null, so the rows add up to the period's active measures.
// params: period, active
// columns: branch (id or null), name ({fi, sv, en} or null), measures (int),
//          eur (float), person_years (float), illustrative (int: measures whose source
//          is 'illustrative')
MATCH (g:PriorityGroup)-[:SETS]->(:Goal)<-[:ADVANCES]-(m:Measure)
WHERE g.period = $period AND m.status IN $active
WITH DISTINCT m
WITH m, head(COLLECT {
  MATCH (m)<-[r:RESPONSIBLE_FOR]-(:Organisation)-[:BELONGS_TO]->(b:AdministrativeBranch)
  WHERE r.role = 'lead'
  RETURN b.id AS id
  ORDER BY id
}) AS branch
WITH branch, collect(m) AS measures
OPTIONAL MATCH (b:AdministrativeBranch {id: branch})
RETURN branch,
  CASE WHEN b IS NULL THEN null ELSE {fi: b.name_fi, sv: b.name_sv, en: b.name_en} END AS name,
  size(measures) AS measures,
  reduce(s = 0.0, m IN measures | s + coalesce(toFloat(m.resources_eur), 0.0)) AS eur,
  reduce(s = 0.0, m IN measures | s + coalesce(toFloat(m.resources_person_years), 0.0))
    AS person_years,
  size([m IN measures WHERE toLower(trim(m.source)) = 'illustrative']) AS illustrative
ORDER BY measures DESC, branch
