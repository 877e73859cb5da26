// Analysis pages: the memberships of the priority groups with these ids, with the
// membership's role and source, for the provenance of the members an analysis shows.
// params: ids
// columns: group, organisation, role, source (null when none)
MATCH (o:Organisation)-[r:MEMBER_OF]->(g:PriorityGroup)
WHERE g.id IN $ids
RETURN g.id AS group, o.id AS organisation, r.role AS role, r.source AS source
ORDER BY group, organisation
