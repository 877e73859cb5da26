// Cooperation body page: the phenomena its member organisations work on, i.e. that an
// active measure one of them is responsible for addresses directly, with those members
// by id; the phenomena most members work on first.
// params: id, active
// columns: id (phenomenon id), members (list of organisation ids), count (int)
MATCH (:CooperationBody {id: $id})<-[:MEMBER_OF]-(o:Organisation)-[:RESPONSIBLE_FOR]->(m:Measure)-[:ADDRESSES]->(p:Phenomenon)
WHERE m.status IN $active
WITH p, o
ORDER BY o.id
WITH p, collect(DISTINCT o.id) AS members
RETURN p.id AS id, members, size(members) AS count
ORDER BY count DESC, id
