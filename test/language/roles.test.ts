import { describe, expect, it } from "vitest";
import { findRoles, isTitleWord, roleAnswers, roleOwners } from "../../src/language/roles.ts";
import { words } from "../../src/text/normalize.ts";

const roles = (text: string) => findRoles(text.split(" ")).map((r) => r.role);

describe("roleOwners — whose office", () => {
  const owners = (text: string) => {
    const ws = words(text);
    const found = findRoles(ws);
    return found.map((r, i) => [r.role.name, roleOwners(ws, found)[i]]);
  };

  it("GIVEN a demonym, a possessive or a described office THEN that country; GIVEN none THEN undefined", () => {
    expect(
      owners(
        "The Japanese ambassador met senior Taliban members, among them Foreign Minister Amir Khan Muttaqi",
      ),
    ).toEqual([
      ["ambassador", "JP"],
      ["foreign minister", undefined],
    ]);
    expect(owners("When did Japan's foreign minister visit Kabul?")).toEqual([["foreign minister", "JP"]]);
    expect(owners("Hisao Tani, a Japanese military officer")).toEqual([["officer", "JP"]]);
    expect(owners("the embassy in Kabul of the ambassador")).toEqual([["ambassador", undefined]]);
    expect(owners("Japan's Crown Prince Akihito and Princess Michiko visited Afghanistan")).toEqual([
      ["crown prince", "JP"],
      ["princess", "JP"],
    ]);
  });
});

describe("findRoles and roleAnswers — offices and their kinds", () => {
  it("GIVEN titles, plural or multi-word THEN each is found once, longest first", () => {
    expect(roles("afghan prime minister mohammed daoud khan").map((r) => r.name)).toEqual(["prime minister"]);
    expect(
      roles("foreign minister amir khan muttaqi and state minister abdul kabir").map((r) => r.name),
    ).toEqual(["foreign minister", "state minister"]);
    expect(roles("how many heads of state or government").map((r) => r.name)).toEqual([
      "head of state or government",
    ]);
    expect(roles("official relations")).toEqual([]);
  });

  it("GIVEN a kind of office THEN every office of that kind answers, and no other", () => {
    const [leaders] = roles("leaders");
    const [king, general, pm] = roles("king general pm");
    expect(roleAnswers(leaders!, king!)).toBe(true);
    expect(roleAnswers(leaders!, pm!)).toBe(true);
    expect(roleAnswers(leaders!, general!)).toBe(false);
    const [royals] = roles("royals");
    expect(roleAnswers(royals!, roles("crown prince")[0]!)).toBe(true);
    expect(roleAnswers(royals!, pm!)).toBe(false);
  });

  it("GIVEN a specific office THEN only that office (or a synonym) answers", () => {
    const [pm, premier, president] = roles("prime minister premier president");
    expect(roleAnswers(pm!, premier!)).toBe(true);
    expect(roleAnswers(pm!, president!)).toBe(false);
    expect(isTitleWord("queen")).toBe(true);
    expect(isTitleWord("humaira")).toBe(false);
  });
});
