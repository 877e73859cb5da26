// The group map's nodes: one priority group, its members, the phenomena it focuses on, the
// goals it sets and the phenomena they target, the measures that advance those goals, the
// organisations responsible for them and the phenomena they address. No row when the group
// does not exist.
// params: id
// columns: ids (element ids of the nodes, the group included)
MATCH (g:PriorityGroup {id: $id})
CALL (g) {
  RETURN g AS n
  UNION
  MATCH (g)<-[:MEMBER_OF]-(n:Organisation) RETURN n
  UNION
  MATCH (g)-[:FOCUSES_ON]->(n:Phenomenon) RETURN n
  UNION
  MATCH (g)-[:SETS]->(n:Goal) RETURN n
  UNION
  MATCH (g)-[:SETS]->(:Goal)-[:TARGETS]->(n:Phenomenon) RETURN n
  UNION
  MATCH (g)-[:SETS]->(:Goal)<-[:ADVANCES]-(n:Measure) RETURN n
  UNION
  MATCH (g)-[:SETS]->(:Goal)<-[:ADVANCES]-(:Measure)<-[:RESPONSIBLE_FOR]-(n:Organisation)
  RETURN n
  UNION
  MATCH (g)-[:SETS]->(:Goal)<-[:ADVANCES]-(:Measure)-[:ADDRESSES]->(n:Phenomenon) RETURN n
}
RETURN collect(elementId(n)) AS ids
