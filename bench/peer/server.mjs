// The peer of make bench-peer: what a team that already runs Neo4j would put in front of
// tracegraph's graph in an afternoon — the Neo4j GraphQL Library (@neo4j/graphql 7, one
// generated Cypher statement per request) under graphql-yoga, with type definitions
// over the same labels, relationship types and properties (SPEC §2,
// docs/graph-model.md). No access control and no audit: it is the yardstick, not a
// product. docs/benchmarks.md has the figures.
//
//   NEO4J_URI=bolt://127.0.0.1:7718 PEER_PORT=7719 node bench/peer/server.mjs
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

// @neo4j/graphql 7 has list relationships only: a person's household is a list of one.
export const typeDefs = /* GraphQL */ `
  type Person @node {
    id: ID!
    name: String!
    idNumber: String
    phone: String
    householdId: String
    household: [Household!]! @relationship(type: "MEMBER_OF", direction: OUT)
    case: [Case!]! @relationship(type: "HAS_CASE", direction: OUT)
    tests: [Test!]! @relationship(type: "TESTED", direction: OUT)
    trips: [Trip!]! @relationship(type: "TOOK", direction: OUT)
    attended: [Event!]! @relationship(type: "ATTENDED", direction: OUT, properties: "Attended")
    # CONTACTED is stored once per pair (smaller id to larger) and means both ways.
    contacts: [Person!]!
      @relationship(type: "CONTACTED", direction: OUT, properties: "Contacted", queryDirection: UNDIRECTED)
    assigned: [Quarantine!]! @relationship(type: "ASSIGNED", direction: OUT)
  }
  type Attended @relationshipProperties {
    from: DateTime!
    to: DateTime!
    proximity: String!
  }
  type Contacted @relationshipProperties {
    at: DateTime!
    durationMin: Float
    setting: String
    protected: Boolean
  }
  type Household @node {
    id: ID!
    address: String
    area: [Area!]! @relationship(type: "IN", direction: OUT)
    members: [Person!]! @relationship(type: "MEMBER_OF", direction: IN)
  }
  type Area @node {
    code: ID!
    name: String!
    level: String!
    parent: [Area!]! @relationship(type: "PART_OF", direction: OUT)
    children: [Area!]! @relationship(type: "PART_OF", direction: IN)
    households: [Household!]! @relationship(type: "IN", direction: IN)
    designations: [RiskDesignation!]! @relationship(type: "DESIGNATED", direction: OUT)
  }
  type RiskDesignation @node {
    level: String!
    since: DateTime!
  }
  type Case @node {
    personId: ID!
    status: String!
    onsetDate: Date
    confirmedAt: DateTime
    isolatedAt: DateTime
    person: [Person!]! @relationship(type: "HAS_CASE", direction: IN)
  }
  type Test @node {
    id: ID!
    kind: String!
    sampledAt: DateTime!
    result: String!
  }
  type Trip @node {
    id: ID!
    mode: String!
    number: String
    seat: String
    fromArea: String
    toArea: String
    departAt: DateTime!
    arriveAt: DateTime!
  }
  type Event @node {
    id: ID!
    kind: String!
    place: String
    areaCode: String
    start: DateTime!
    end: DateTime!
    indoor: Boolean!
    attendees: [Person!]! @relationship(type: "ATTENDED", direction: IN, properties: "Attended")
  }
  type Quarantine @node {
    id: ID!
    kind: String!
    status: String!
    start: DateTime!
    end: DateTime!
  }
`;

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7718";
const port = Number(process.env.PEER_PORT ?? 7719);
const driver = neo4j.driver(uri, neo4j.auth.none ? neo4j.auth.none() : undefined, {
  maxConnectionPoolSize: 32,
});
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({ schema, logging: false, graphqlEndpoint: "/graphql", maskedErrors: false });
const server = createServer(yoga);
server.listen(port, "127.0.0.1", () => {
  console.log(`peer: ready http://127.0.0.1:${port}/graphql (@neo4j/graphql over ${uri})`);
});
const stop = async () => {
  server.close();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
