// Name resolution, last resort for "did you mean": the id, names and abbreviation of every
// record with one of $labels (all domain records when null), for a spelling comparison
// when the full-text indexes found nothing. At most $limit records, by id.
// params: labels, limit
// columns: labels, id, names ({fi, sv, en}; missing are null), abbreviation
MATCH (n:Theme|AdministrativeBranch|Organisation|Phenomenon|Indicator|PriorityGroup|CooperationBody|Goal|Measure)
WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)
RETURN labels(n) AS labels, n.id AS id,
  {fi: coalesce(n.name_fi, n.title_fi, n.text_fi),
   sv: coalesce(n.name_sv, n.title_sv, n.text_sv),
   en: coalesce(n.name_en, n.title_en, n.text_en)} AS names,
  n.abbreviation AS abbreviation
ORDER BY id
LIMIT $limit
