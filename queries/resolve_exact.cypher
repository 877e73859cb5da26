// Name resolution, first step: the records whose id is exactly $id (each label's id
// index) and the organisations whose abbreviation is $folded ignoring case ($folded is the
// input in lower case; abbreviations are few and not in the full-text indexes). $labels,
// when not null, keeps nodes with one of those labels. Names equal to the input are found
// by the full-text step (resolve_text.cypher).
// The search ranks these first too (turva.api.search).
// params: id, folded, labels, active
// columns: labels, id, exact_id (the id is $id as written), names ({fi, sv, en}; missing
// are null), abbreviation, status (a measure's; else null), active (a measure whose
// status is active)
CALL () {
  MATCH (n:Theme) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:AdministrativeBranch) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Organisation) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Phenomenon) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Indicator) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:PriorityGroup) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:CooperationBody) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Goal) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Measure) WHERE n.id = $id RETURN n
  UNION
  MATCH (n:Organisation) WHERE toLower(n.abbreviation) = $folded RETURN n
}
WITH n
WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)
RETURN labels(n) AS labels, n.id AS id, n.id = $id AS exact_id,
  {fi: coalesce(n.name_fi, n.title_fi, n.text_fi),
   sv: coalesce(n.name_sv, n.title_sv, n.text_sv),
   en: coalesce(n.name_en, n.title_en, n.text_en)} AS names,
  n.abbreviation AS abbreviation, n.status AS status,
  coalesce(n.status IN $active, false) AS active
ORDER BY id
