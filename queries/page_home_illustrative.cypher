// Home page: how much of the graph is illustrative (source 'illustrative', the rule of
// graph/domain/provenance.py), per kind the banner names: phenomena, goals, measures,
// memberships (of groups and bodies) and responsibilities for measures.
// params: none
// columns: phenomena, phenomena_illustrative, goals, goals_illustrative, measures,
//          measures_illustrative, memberships, memberships_illustrative, responsibilities,
//          responsibilities_illustrative (int each)
CALL () {
  MATCH (n:Phenomenon)
  RETURN count(n) AS phenomena,
    count(CASE WHEN toLower(trim(n.source)) = 'illustrative' THEN 1 END) AS phenomena_illustrative
}
CALL () {
  MATCH (n:Goal)
  RETURN count(n) AS goals,
    count(CASE WHEN toLower(trim(n.source)) = 'illustrative' THEN 1 END) AS goals_illustrative
}
CALL () {
  MATCH (n:Measure)
  RETURN count(n) AS measures,
    count(CASE WHEN toLower(trim(n.source)) = 'illustrative' THEN 1 END) AS measures_illustrative
}
CALL () {
  MATCH (:Organisation)-[r:MEMBER_OF]->()
  RETURN count(r) AS memberships,
    count(CASE WHEN toLower(trim(r.source)) = 'illustrative' THEN 1 END)
      AS memberships_illustrative
}
CALL () {
  MATCH (:Organisation)-[r:RESPONSIBLE_FOR]->(:Measure)
  RETURN count(r) AS responsibilities,
    count(CASE WHEN toLower(trim(r.source)) = 'illustrative' THEN 1 END)
      AS responsibilities_illustrative
}
RETURN phenomena, phenomena_illustrative, goals, goals_illustrative, measures,
  measures_illustrative, memberships, memberships_illustrative, responsibilities,
  responsibilities_illustrative
