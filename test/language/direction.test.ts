import { describe, expect, it } from "vitest";
import { conflicts, directionOf, withinRelation } from "../../src/language/direction.ts";

const d = (text: string) => {
  const x = directionOf(text);
  return { agents: [...x.agents].sort(), targets: [...x.targets].sort() };
};

describe("directionOf — who acts toward whom", () => {
  it.each([
    ["Afghan Prime Minister Mohammed Daoud Khan visited Japan.", ["AF"], ["JP"]],
    ["Japan's Crown Prince Akihito and Princess Michiko visited Afghanistan.", ["JP"], ["AF"]],
    ["Hisao Tani, a Japanese military officer, visited Afghanistan.", ["JP"], ["AF"]],
    ["King Zahir Shah and Queen Humaira of Afghanistan visited Japan.", ["AF"], ["JP"]],
    ["After the Soviet invasion of Afghanistan, Japan closed its embassy in Kabul.", ["JP"], ["AF"]],
    ["Japan was the second-largest donor to Afghanistan, after the United States.", ["JP"], ["AF"]],
    ["When did the Japanese prime minister visit Afghanistan?", ["JP"], ["AF"]],
    ["When did Japan give money to Afghanistan?", ["JP"], ["AF"]],
    ["Who is the Afghan ambassador in Tokyo?", ["AF"], ["JP"]],
    ["When was Afghanistan visited by Hisao Tani?", [], ["AF"]],
    ["Where did Ayub Khan beat the British army?", [], []],
    ["soviet invasion japan embassy", [], []],
    ["The Mongol Empire under Kublai Khan invaded Japan.", [], ["JP"]],
    ["When did Japan invade Mongolia?", ["JP"], ["MN"]],
    ["Japan gave Mongolia economic aid.", ["JP"], ["MN"]],
    ["Afghanistan and Japan signed a Treaty of Friendship.", ["AF", "JP"], []],
    ["Who did the British defeat at Maiwand?", ["GB"], []],
    ["When did Afghan protests close an embassy?", [], []],
    ["When did Ayub Khan arrive in Japan?", [], ["JP"]],
    ["日本の皇太子がアフガニスタンを訪問したのはいつ？", ["JP"], ["AF"]],
    ["アフガニスタンの国王が日本を訪れたのはいつですか", ["AF"], ["JP"]],
  ])("GIVEN %s THEN actors %j, targets %j", (text, agents, targets) => {
    expect(d(text)).toEqual({ agents, targets });
  });

  it("GIVEN a visit to one party of a relation THEN it comes from the other; directions that differ conflict", () => {
    const visit = withinRelation(directionOf("Ayub Khan visited Japan."), ["AF", "JP"]);
    expect([...visit.agents]).toEqual(["AF"]);
    const asked = directionOf("When did the Japanese prime minister visit Afghanistan?");
    expect(conflicts(asked, directionOf("Afghan Prime Minister Daoud Khan visited Japan."))).toBe(true);
    expect(conflicts(asked, directionOf("Japan's Crown Prince Akihito visited Afghanistan."))).toBe(false);
  });

  it("GIVEN the object of an act that moves nothing THEN a question with the other object conflicts", () => {
    const invasion = directionOf("The Mongol Empire invaded Japan for the first time.");
    expect(conflicts(directionOf("When did Japan invade Mongolia?"), invasion)).toBe(true);
    expect(conflicts(directionOf("When did Mongolia invade Japan?"), invasion)).toBe(false);
  });
});
