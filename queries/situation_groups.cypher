// Situation picture: each priority group of the period with its active measures (status
// in $active, advancing a goal the group sets), their euros and person-years, and its
// coverage: the phenomena of its scope (those it focuses on and their descendants), how
// many of them are addressed (an active measure addresses the phenomenon or a
// descendant: the gaps analysis' definition) and how many administrative branches work
// in the scope (branches of the organisations responsible for active measures
// addressing a phenomenon of the scope).
// params: period, active
// columns: id, number (int), name ({fi, sv, en}), source, measures (int), eur (float),
//          person_years (float), illustrative (int: measures whose source is
//          'illustrative'), scope (int), addressed (int), branches (int)
MATCH (g:PriorityGroup)
WHERE g.period = $period
WITH g,
  COLLECT {
    MATCH (g)-[:FOCUSES_ON]->(:Phenomenon)<-[:PART_OF*0..]-(q:Phenomenon)
    RETURN DISTINCT q
  } AS scope,
  COLLECT {
    MATCH (g)-[:SETS]->(:Goal)<-[:ADVANCES]-(m:Measure)
    WHERE m.status IN $active
    RETURN DISTINCT m
  } AS measures
RETURN g.id AS id, g.number AS number, {fi: g.name_fi, sv: g.name_sv, en: g.name_en} AS name,
  g.source AS source,
  size(measures) AS measures,
  reduce(s = 0.0, m IN measures | s + coalesce(toFloat(m.resources_eur), 0.0)) AS eur,
  reduce(s = 0.0, m IN measures | s + coalesce(toFloat(m.resources_person_years), 0.0))
    AS person_years,
  size([m IN measures WHERE toLower(trim(m.source)) = 'illustrative']) AS illustrative,
  size(scope) AS scope,
  COUNT {
    UNWIND scope AS q
    WITH q
    WHERE EXISTS {
      MATCH (q)<-[:PART_OF*0..]-(:Phenomenon)<-[:ADDRESSES]-(m:Measure)
      WHERE m.status IN $active
    }
    RETURN q
  } AS addressed,
  COUNT {
    UNWIND scope AS q
    MATCH (q)<-[:ADDRESSES]-(m:Measure)<-[:RESPONSIBLE_FOR]-(:Organisation)
      -[:BELONGS_TO]->(b:AdministrativeBranch)
    WHERE m.status IN $active
    RETURN DISTINCT b
  } AS branches
ORDER BY number, id
