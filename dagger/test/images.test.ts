import assert from 'node:assert/strict';
import { DEFAULT_IMAGES, resolveImages, toolImage, VERSIONS } from '../src/images.js';

describe('pipeline images', () => {
  it('pins every default image by tag, and by digest where one is recorded', () => {
    for (const [role, ref] of Object.entries(DEFAULT_IMAGES)) {
      assert.match(ref, /^[a-z0-9.\-/]+:[\w.-]+(@sha256:[0-9a-f]{64})?$/, role);
      assert.doesNotMatch(ref, /:latest\b/, role);
    }
  });

  it('takes each tool image from its pin in dagger/versions.json', () => {
    for (const [tool, pin] of Object.entries(VERSIONS.tools)) {
      const ref = DEFAULT_IMAGES[tool as keyof typeof DEFAULT_IMAGES];
      assert.equal(ref, toolImage(pin), tool);
      assert.ok(ref.includes(`:${pin.version}`) || ref.includes(`:${pin.version.slice(1)}`), ref);
    }
    assert.equal(
      toolImage({ version: 'v1.2.3', image: 'example.org/t:{semver}', digest: 'sha256:ab' }),
      'example.org/t:1.2.3@sha256:ab',
    );
  });

  it('runs the backend on the pinned Node major', () => {
    assert.match(DEFAULT_IMAGES.node, new RegExp(`/node:${VERSIONS.node.split('.')[0]}-`));
  });

  it('keeps the pinned default for a blank override and takes any other', () => {
    const images = resolveImages({ node: ' ', redis: 'mirror.example/redis:7' });
    assert.equal(images.node, DEFAULT_IMAGES.node);
    assert.equal(images.redis, 'mirror.example/redis:7');
  });
});
