/**
 * A small thesaurus of the everyday words people use about relations between countries,
 * as index stems (see normalize.stem). It bridges the wording of a question ("stay",
 * "offer") and the wording of a fact ("remain", "provide"). It holds general vocabulary
 * only: words specific to one relation belong in that fact's `keywords`.
 */
import { stem } from "../text/normalize.ts";

const GROUPS: string[][] = [
  ["stay", "remain", "keep"],
  ["host", "guest", "welcome", "receive", "invite"],
  ["offer", "provide", "propose", "promise", "pledge"],
  ["give", "donate", "contribute", "grant", "fund", "provide"],
  ["aid", "assistance", "help", "support", "relief"],
  ["open", "reopen", "resume", "restore"],
  ["close", "shut", "suspend"],
  ["establish", "found", "begin", "start", "launch", "create", "form", "open", "formalize"],
  ["plan", "intend", "suppose", "expect", "schedule", "set"],
  ["defeat", "beat", "win", "won", "victory", "triumph", "conquer", "vanquish"],
  ["army", "military", "troops", "forces", "soldier", "officer"],
  ["royal", "imperial", "royalty", "monarchy"],
  ["thinker", "intellectual", "writer", "philosopher", "scholar"],
  ["admire", "model", "inspiration", "example", "praise"],
  ["modernize", "modernise", "modernization", "modernisation", "reform", "develop", "development"],
  ["keep", "preserve", "protect", "safeguard", "maintain", "store"],
  ["title", "name", "call", "nickname", "epithet"],
  ["deliver", "provide", "send", "channel", "distribute"],
  ["donor", "contributor", "giver", "benefactor"],
  ["big", "large", "major", "significant"],
  ["link", "connection", "contact", "relationship", "tie", "bond"],
  ["old", "ancient", "oldest", "earliest", "prehistoric"],
  ["sign", "conclude", "ratify", "agree"],
  ["treaty", "agreement", "pact", "accord", "convention"],
  ["visit", "trip", "travel", "tour", "come", "go", "went", "came"],
  ["meet", "meeting", "talk", "hold", "held"],
  ["king", "monarch", "ruler", "emir", "shah"],
  ["queen", "consort"],
  ["prince", "royal", "heir"],
  ["president", "leader", "head"],
  ["minister", "official"],
  ["ambassador", "envoy", "diplomat", "representative"],
  ["embassy", "mission", "legation"],
  ["war", "conflict", "fighting", "battle"],
  ["invasion", "invade", "occupation", "occupy"],
  ["delay", "postpone", "block", "prevent", "hinder", "obstruct", "stop"],
  ["return", "repatriate", "restitute", "send", "hand"],
  ["artifact", "artefact", "antiquity", "relic", "object", "treasure"],
  ["religion", "faith", "belief"],
  ["spread", "reach", "arrive", "enter", "introduce", "transmit"],
  ["arrive", "arrival", "come", "land", "reach"],
  ["similar", "similarity", "common", "share", "shared", "alike"],
  ["country", "nation", "state"],
  ["money", "fund", "funds", "cash", "donation"],
  ["earthquake", "quake", "disaster"],
  ["resource", "mineral", "mining", "mine"],
  ["rank", "ranking", "largest", "biggest"],
  ["say", "state", "declare", "remark", "comment"],
  ["takeover", "fall", "capture", "seize", "conquest"],
  ["neutral", "neutrality"],
  ["expel", "expulsion", "deport", "remove"],
  ["allow", "permit", "let"],
  ["first", "earliest", "initial"],
];

const MAP = new Map<string, Set<string>>();
for (const group of GROUPS) {
  const stems = group.map(stem);
  for (const s of stems) {
    const set = MAP.get(s) ?? new Set<string>();
    for (const other of stems) if (other !== s) set.add(other);
    MAP.set(s, set);
  }
}

/** Other stems that mean about the same as `term` (a stem). */
export function synonymsOf(term: string): readonly string[] {
  return [...(MAP.get(term) ?? [])];
}
