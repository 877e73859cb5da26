// Organisation profile: its branch and parent, its priority groups (by period, then id),
// cooperation bodies, measures (every status) and the phenomena its active measures address.
// Each membership and responsibility carries its own provenance: the relationship's source.
// No row when the organisation does not exist.
// params: organisation, active
// columns: organisation, name, kind, branch, parent, groups, bodies, measures, phenomena
MATCH (o:Organisation {id: $organisation})
RETURN
  o.id AS organisation,
  o.name_fi AS name,
  o.kind AS kind,
  COLLECT { MATCH (o)-[:BELONGS_TO]->(b:AdministrativeBranch) RETURN b.id }[0] AS branch,
  COLLECT { MATCH (o)-[:PART_OF]->(up:Organisation) RETURN up.id }[0] AS parent,
  COLLECT {
    MATCH (o)-[r:MEMBER_OF]->(g:PriorityGroup)
    WITH g, r
    ORDER BY g.period, g.id
    RETURN {id: g.id, period: g.period, number: g.number, role: r.role, source: r.source} AS grp
  } AS groups,
  COLLECT {
    MATCH (o)-[r:MEMBER_OF]->(c:CooperationBody)
    WITH c, r
    ORDER BY c.id
    RETURN {id: c.id, kind: c.kind, role: r.role, source: r.source} AS body
  } AS bodies,
  COLLECT {
    MATCH (o)-[r:RESPONSIBLE_FOR]->(m:Measure)
    WITH m, r
    ORDER BY m.id
    RETURN {id: m.id, status: m.status, role: r.role, source: r.source} AS measure
  } AS measures,
  COLLECT {
    MATCH (o)-[:RESPONSIBLE_FOR]->(m:Measure)-[:ADDRESSES]->(p:Phenomenon)
    WHERE m.status IN $active
    RETURN DISTINCT p.id AS id
    ORDER BY id
  } AS phenomena
