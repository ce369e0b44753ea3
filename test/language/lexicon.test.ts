import { describe, expect, it } from "vitest";
import {
  baseForms,
  isEventNoun,
  isGenericWord,
  isModifierOnly,
  isMotionVerb,
  isNameOnly,
  isSpeechVerb,
  partsOfSpeech,
  phraseAt,
  relatedWords,
} from "../../src/language/lexicon.ts";

describe("baseForms — WordNet's morphology", () => {
  it("GIVEN inflected forms THEN their dictionary base forms with parts of speech", () => {
    expect(baseForms("royals")).toContainEqual({ lemma: "royal", pos: "n" });
    expect(baseForms("visited")).toEqual([{ lemma: "visit", pos: "v" }]);
    expect(baseForms("went")).toEqual([{ lemma: "go", pos: "v" }]);
    expect(baseForms("stopped")).toContainEqual({ lemma: "stop", pos: "v" });
    expect(baseForms("karzai")).toEqual([]);
  });

  it("GIVEN words THEN their parts of speech tell wording from content", () => {
    expect([...partsOfSpeech("formally")]).toEqual(["r"]);
    expect(isModifierOnly("formally")).toBe(true);
    expect(isModifierOnly("treaty")).toBe(false);
    expect(isNameOnly("elizabeth")).toBe(true);
    expect(isNameOnly("queen")).toBe(false);
    expect(isGenericWord("pieces")).toBe(true);
    expect(isGenericWord("artifacts")).toBe(false);
  });
});

describe("phraseAt — phrases that are one word in meaning", () => {
  it("GIVEN phrasal verbs and compound nouns THEN the whole phrase, inflected or not", () => {
    expect(phraseAt(["drop", "by", "japan"], 0)).toEqual({ lemma: "drop by", length: 2, pos: "v" });
    expect(phraseAt(["dropped", "by"], 0)?.lemma).toBe("drop by");
    expect(phraseAt(["heads", "of", "state"], 0)).toEqual({ lemma: "head of state", length: 3, pos: "n" });
    expect(phraseAt(["visit", "japan"], 0)).toBeUndefined();
  });
});

describe("relatedWords — synonyms, broader words, derivations", () => {
  it("GIVEN a phrasal verb THEN the plain verb it stands for is among its relatives", () => {
    expect(relatedWords("drop by", "v").get("visit")).toBeGreaterThan(0.5);
    expect(relatedWords("kick off", "v").has("start")).toBe(true);
    expect(relatedWords("donate", "v").has("donation")).toBe(true);
  });

  it("GIVEN a word THEN broader words with hundreds of narrower ones are left out", () => {
    expect(relatedWords("leader", "n").has("person")).toBe(false);
  });

  it("GIVEN verbs THEN their WordNet class tells movement and speech", () => {
    expect(isMotionVerb("swing")).toBe(true);
    expect(isMotionVerb("sign")).toBe(false);
    expect(isSpeechVerb("talk about")).toBe(true);
    expect(isSpeechVerb("visit")).toBe(false);
  });

  it("GIVEN nouns THEN WordNet's classes tell acts and events from things and people", () => {
    for (const w of ["invasion", "visit", "victory", "donation", "war"]) expect(isEventNoun(w), w).toBe(true);
    for (const w of ["embassy", "ambassador", "people", "museum", "decree"])
      expect(isEventNoun(w), w).toBe(false);
  });

  it("GIVEN chat around a question THEN it is wording", () => {
    for (const w of ["lol", "yo", "pls", "thx", "btw"]) expect(isGenericWord(w), w).toBe(true);
    expect(isGenericWord("treaty")).toBe(false);
  });
});
