import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Knowledge } from "../../src/knowledge/types.ts";
import { chartSpec, type Theme } from "../../src/pictures/chart.ts";
import { PictureRenderer, type PictureKey } from "../../src/pictures/renderer.ts";
import { pictureKnowledge, pngSize } from "../support/pictures.ts";

let knowledge: Knowledge;
const renderers: PictureRenderer[] = [];

beforeAll(async () => {
  knowledge = await pictureKnowledge();
});

afterEach(async () => {
  await Promise.all(renderers.splice(0).map((r) => r.close()));
});

function renderer(options: ConstructorParameters<typeof PictureRenderer>[0] = {}): PictureRenderer {
  const r = new PictureRenderer(options);
  renderers.push(r);
  return r;
}

const key = (theme: Theme, version = "v1"): PictureKey => ({
  version,
  relationId: "brazil-japan",
  theme,
  locale: "en",
});
const spec = (theme: Theme) => () => {
  const relation = knowledge.relations.find((r) => r.id === "brazil-japan")!;
  const facts = knowledge.facts.filter((f) => f.relationId === relation.id);
  return chartSpec({ relation, facts, theme, version: "v1", locale: "ja" });
};

describe("PictureRenderer", () => {
  it("GIVEN a picture asked for THEN a worker thread paints a PNG", async () => {
    const png = await renderer().render(key("dark"), spec("dark"));
    expect(pngSize(png).width).toBe(1200);
  });

  it("GIVEN the same picture asked again, or twice at once THEN it is painted once; another theme or version is another picture", async () => {
    // Painted inline: caching works the same whoever paints, and a worker takes a second to start.
    const r = renderer({ inline: true });
    const [a, b] = await Promise.all([
      r.render(key("dark"), spec("dark")),
      r.render(key("dark"), spec("dark")),
    ]);
    expect(a).toBe(b);
    expect(await r.render(key("dark"), spec("dark"))).toBe(a);
    expect(r.painted).toBe(1);
    const light = await r.render(key("light"), spec("light"));
    expect(light.equals(a)).toBe(false);
    await r.render(key("dark", "v2"), spec("dark"));
    expect(r.painted).toBe(3);
  });

  it("GIVEN a full cache THEN the least recently used picture goes first", async () => {
    const r = renderer({ maxEntries: 2, inline: true });
    await r.render(key("dark", "1"), spec("dark"));
    await r.render(key("dark", "2"), spec("dark"));
    await r.render(key("dark", "1"), spec("dark")); // now 2 is the oldest
    await r.render(key("dark", "3"), spec("dark"));
    expect(r.painted).toBe(3);
    await r.render(key("dark", "1"), spec("dark"));
    expect(r.painted).toBe(3);
    await r.render(key("dark", "2"), spec("dark"));
    expect(r.painted).toBe(4);
  });

  it("GIVEN a worker that dies THEN each picture is painted on this thread all the same", async () => {
    const r = renderer({ entry: new URL("../support/dying-render-worker.mjs", import.meta.url) });
    const png = await r.render(key("dark"), spec("dark"));
    expect(pngSize(png).width).toBe(1200);
    const again = await r.render(key("light"), spec("light"));
    expect(pngSize(again).width).toBe(1200);
  });

  it("GIVEN inline mode THEN it paints without a worker", async () => {
    const png = await renderer({ inline: true }).render(key("dark"), spec("dark"));
    expect(pngSize(png).width).toBe(1200);
  });
});
