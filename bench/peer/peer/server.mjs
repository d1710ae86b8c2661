// The peer of make bench-peer (issue 14): the Neo4j GraphQL Library (@neo4j/graphql 7,
// one generated Cypher statement per request) served by graphql-yoga over the same
// Neo4j and the same labels as tracegraph (SPEC §2). It is what a team that runs Neo4j
// would stand up in an afternoon: type definitions and nothing else, except the one
// @cypher field co-attendees need (the library has no "overlapping relationship
// properties" filter). No authorization: the peer's figures are an upper bound on
// what it costs (tracegraph's include access control and audit records).
//
//   NEO4J_URI=bolt://127.0.0.1:7716 PEER_PORT=8126 node server.mjs
import { createServer } from "node:http";
import { createYoga } from "graphql-yoga";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  type Area @node {
    code: ID!
    name: String
    level: String
    parent: [Area!]! @relationship(type: "PART_OF", direction: OUT)
  }
  type Household @node {
    id: ID!
    address: String
    areaCode: String
    area: [Area!]! @relationship(type: "IN", direction: OUT)
    members: [Person!]! @relationship(type: "MEMBER_OF", direction: IN)
  }
  type Contacted @relationshipProperties {
    at: DateTime
    durationMin: Float
    setting: String
    protected: Boolean
  }
  type Attended @relationshipProperties {
    from: DateTime
    to: DateTime
    proximity: String
  }
  type Person @node {
    id: ID!
    name: String
    idNumber: String
    phone: String
    sex: String
    householdId: String
    household: [Household!]! @relationship(type: "MEMBER_OF", direction: OUT)
    case: [Case!]! @relationship(type: "HAS_CASE", direction: OUT)
    tests: [Test!]! @relationship(type: "TESTED", direction: OUT)
    contacts: [Person!]!
      @relationship(type: "CONTACTED", direction: OUT, queryDirection: UNDIRECTED, properties: "Contacted")
    attended: [Event!]! @relationship(type: "ATTENDED", direction: OUT, properties: "Attended")
    coAttendees: [Person!]!
      @cypher(
        statement: """
        MATCH (this)-[mine:ATTENDED]->(:Event)<-[a:ATTENDED]-(o:Person)
        WHERE o <> this AND a.from < mine.to AND mine.from < a.to
        RETURN DISTINCT o
        """
        columnName: "o"
      )
  }
  type Case @node {
    personId: ID!
    status: String
    confirmedAt: DateTime
    person: [Person!]! @relationship(type: "HAS_CASE", direction: IN)
  }
  type Test @node {
    id: ID!
    kind: String
    sampledAt: DateTime
    result: String
  }
  type Event @node {
    id: ID!
    kind: String
    place: String
    areaCode: String
    start: DateTime
    end: DateTime
    indoor: Boolean
    attendees: [Person!]! @relationship(type: "ATTENDED", direction: IN, properties: "Attended")
  }
`;

const driver = neo4j.driver(process.env.NEO4J_URI ?? "bolt://127.0.0.1:7716", neo4j.auth.basic("neo4j", "neo4j"), {
  maxConnectionPoolSize: 64,
});
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({ schema, graphiql: false, logging: "warn", maskedErrors: false });
const port = Number(process.env.PEER_PORT ?? 8126);
createServer(yoga).listen(port, "127.0.0.1", () => {
  console.log(`peer: @neo4j/graphql on http://127.0.0.1:${port}/graphql`);
});
