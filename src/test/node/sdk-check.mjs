// Runs the official OpenAI Node SDK against Imagegate, changing only baseURL and apiKey (OpenAiSdkIT starts it).
// Env: IMAGEGATE_BASE_URL (…/v1), IMAGEGATE_KEY (a live key with the signup credits), IMAGE_A / IMAGE_B (PNG paths).
// Prints one "ok <check>" line per passed check and exits non-zero at the first failure.
import fs from 'node:fs';
import OpenAI, { toFile, APIError, AuthenticationError, BadRequestError, RateLimitError } from 'openai';

const baseURL = process.env.IMAGEGATE_BASE_URL;
const client = new OpenAI({ baseURL, apiKey: process.env.IMAGEGATE_KEY });

function check(condition, message) {
  if (!condition) {
    throw new Error('check failed: ' + message);
  }
}

// Width and height from the image bytes themselves (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X).
function dimensions(bytes) {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i < bytes.length) {
      if (bytes[i] !== 0xff) { i++; continue; }
      const marker = bytes[i + 1];
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { format: 'jpeg', width: bytes.readUInt16BE(i + 7), height: bytes.readUInt16BE(i + 5) };
      }
      i += 2 + length;
    }
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    const chunk = bytes.subarray(12, 16).toString('latin1');
    if (chunk === 'VP8X') {
      return { format: 'webp', width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
    }
    if (chunk === 'VP8L') {
      const bits = bytes.readUInt32LE(21);
      return { format: 'webp', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    if (chunk === 'VP8 ') {
      return { format: 'webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    }
  }
  return { format: 'unknown', width: 0, height: 0 };
}

function expectImage(bytes, format, width, height, what) {
  const seen = dimensions(bytes);
  check(seen.format === format, `${what}: format ${seen.format}, expected ${format}`);
  check(seen.width === width && seen.height === height,
    `${what}: ${seen.width}x${seen.height}, expected ${width}x${height}`);
}

async function expectError(call, type, status, code, what) {
  try {
    await call();
  } catch (error) {
    check(error instanceof type, `${what}: got ${error?.constructor?.name} ${error?.message}`);
    check(error.status === status, `${what}: status ${error.status}, expected ${status}`);
    if (code) {
      check(error.code === code, `${what}: code ${error.code}, expected ${code}`);
    }
    return error;
  }
  throw new Error(`${what}: no error`);
}

const models = await client.models.list();
const ids = [];
for await (const model of models) {
  ids.push(model.id);
}
check(ids.includes('gpt-image-2'), 'models.list has gpt-image-2: ' + ids);
const model = await client.models.retrieve('gpt-image-2');
check(model.id === 'gpt-image-2' && model.object === 'model', 'models.retrieve');
console.log('ok models.list ' + ids.join(','));

const b64 = await client.images.generate({
  model: 'gpt-image-2',
  prompt: 'A lighthouse at dusk, oil painting',
  size: '1536x1024',
  quality: 'medium',
});
check(b64.data.length === 1 && typeof b64.data[0].b64_json === 'string', 'generate b64_json: one image inline');
check(b64.data[0].url === undefined, 'generate b64_json: no url');
check(typeof b64.created === 'number' && b64.created > 1_700_000_000, 'generate: created');
check(b64.size === '1536x1024' && b64.output_format === 'png', 'generate: size and output_format echoed');
expectImage(Buffer.from(b64.data[0].b64_json, 'base64'), 'png', 1536, 1024, 'generate b64_json');
console.log('ok images.generate b64_json 1536x1024 png');

const byUrl = await client.images.generate({
  model: 'gpt-image-2',
  prompt: 'Two red apples on a wooden table',
  size: '1024x1536',
  output_format: 'jpeg',
  response_format: 'url',
  n: 2,
});
check(byUrl.data.length === 2, 'generate url: two images');
for (const image of byUrl.data) {
  check(typeof image.url === 'string' && image.b64_json === undefined, 'generate url: a url, no b64_json');
  // The links carry the configured public base URL; fetch them from the port the test server listens on.
  const url = new URL(image.url);
  const local = new URL(url.pathname + url.search, new URL(baseURL).origin);
  const file = await fetch(local);
  check(file.status === 200, 'generate url: the link answers 200, got ' + file.status);
  check(file.headers.get('content-type') === 'image/jpeg', 'generate url: content type');
  expectImage(Buffer.from(await file.arrayBuffer()), 'jpeg', 1024, 1536, 'generate url');
}
console.log('ok images.generate url 2x 1024x1536 jpeg');

const edited = await client.images.edit({
  model: 'gpt-image-2',
  image: [
    await toFile(fs.createReadStream(process.env.IMAGE_A), 'a.png', { type: 'image/png' }),
    await toFile(fs.createReadStream(process.env.IMAGE_B), 'b.png', { type: 'image/png' }),
  ],
  prompt: 'Put both products on one shelf',
  size: '1024x1024',
  output_format: 'webp',
});
check(edited.data.length === 1, 'edit: one image');
expectImage(Buffer.from(edited.data[0].b64_json, 'base64'), 'webp', 1024, 1024, 'edit');
console.log('ok images.edit two PNGs -> 1024x1024 webp');

// Streaming (stream: true): the SDK's async iterator yields OpenAI's image events; the partials are previews (never
// charged), the completed event carries the image.
async function streamed(stream, prefix, format, width, height, what) {
  const partials = [];
  const completed = [];
  for await (const event of stream) {
    if (event.type === prefix + '.partial_image') {
      check(event.partial_image_index === partials.length, `${what}: partial_image_index ${event.partial_image_index}`);
      expectImage(Buffer.from(event.b64_json, 'base64'), format, width, height, `${what} partial ${partials.length}`);
      check(typeof event.created_at === 'number' && event.output_format === format, `${what}: partial fields`);
      partials.push(event);
    } else if (event.type === prefix + '.completed') {
      expectImage(Buffer.from(event.b64_json, 'base64'), format, width, height, `${what} completed`);
      check(event.size === `${width}x${height}` && event.output_format === format, `${what}: completed fields`);
      check(typeof event.usage === 'object' && typeof event.usage.total_tokens === 'number', `${what}: usage`);
      completed.push(event);
    } else {
      check(false, `${what}: unexpected event ${event.type}`);
    }
  }
  check(completed.length === 1, `${what}: one completed event, got ${completed.length}`);
  return partials.length;
}

const generatedStream = await client.images.generate({
  model: 'gpt-image-2',
  prompt: 'A lighthouse at dawn, streamed',
  size: '1024x1024',
  stream: true,
  partial_images: 2,
});
const generatedPartials = await streamed(generatedStream, 'image_generation', 'png', 1024, 1024, 'generate stream');
check(generatedPartials === 2, 'generate stream: 2 partials, got ' + generatedPartials);
console.log('ok images.generate stream: 2 partials, completed 1024x1024 png');

const editedStream = await client.images.edit({
  model: 'gpt-image-2',
  image: await toFile(fs.createReadStream(process.env.IMAGE_A), 'a.png', { type: 'image/png' }),
  prompt: 'Make it blue, streamed',
  size: '1024x1536',
  output_format: 'jpeg',
  stream: true,
  partial_images: 1,
});
const editedPartials = await streamed(editedStream, 'image_edit', 'jpeg', 1024, 1536, 'edit stream');
check(editedPartials === 1, 'edit stream: 1 partial, got ' + editedPartials);
console.log('ok images.edit stream: 1 partial, completed 1024x1536 jpeg');

// A task that fails ends the stream with an error event: the SDK's iterator throws it as an APIError (its credits were
// released, so it costs nothing). The sandbox fails a prompt containing its fail trigger.
const failing = await client.images.generate({ prompt: 'A broken render [[fail]]', stream: true, partial_images: 1 });
let thrown;
try {
  for await (const event of failing) {
    check(event.type === 'image_generation.partial_image', 'failed stream: only partials before the error');
  }
} catch (error) {
  thrown = error;
}
check(thrown instanceof APIError, 'failed stream: APIError thrown, got ' + thrown?.constructor?.name + ' ' + thrown);
check(thrown.code === 'generation_failed', 'failed stream: code ' + thrown.code);
check(thrown.type === 'server_error', 'failed stream: type ' + thrown.type);
check(/credits were released/.test(thrown.message), 'failed stream: message ' + thrown.message);
console.log('ok failed stream -> APIError generation_failed');

// A refusal before the stream starts is the usual error (thrown by the call, not the iterator).
const badStream = await expectError(
  () => client.images.generate({ prompt: 'x', size: '512x512', stream: true }), BadRequestError, 400, 'invalid_value',
  'bad size on a stream');
check(badStream.param === 'size', 'bad size on a stream: param is size');
console.log('ok bad size on a stream -> BadRequestError');

await expectError(
  () => new OpenAI({ baseURL, apiKey: 'ig_live_wrong', maxRetries: 0 }).images.generate({ prompt: 'x' }),
  AuthenticationError, 401, 'invalid_api_key', 'bad key');
console.log('ok bad key -> AuthenticationError');

const badSize = await expectError(
  () => client.images.generate({ prompt: 'x', size: '512x512' }), BadRequestError, 400, 'invalid_value', 'bad size');
check(badSize.param === 'size', 'bad size: param is size');
console.log('ok bad size -> BadRequestError');

const started = Date.now();
await expectError(
  () => client.images.generate({ prompt: 'A poster wall', n: 10, size: '3824x2160' }),
  RateLimitError, 429, 'insufficient_quota', 'no credits');
check(Date.now() - started < 5000, 'no credits: answered without retries (x-should-retry: false)');
console.log('ok no credits -> RateLimitError insufficient_quota');
// The SDK's own retries: its timeout (1.5 s) is shorter than the sandbox's 2 s, so the first attempt is abandoned and
// the SDK retries. Without a key the retry (X-Stainless-Retry-Count: 1) waits for the first attempt's task; with an
// Idempotency-Key in defaultHeaders the same holds on any node. Each is charged once (OpenAiSdkIT checks the balance).
for (const defaultHeaders of [undefined, { 'Idempotency-Key': 'sdk-retry-check-1' }]) {
  const impatient = new OpenAI({ baseURL, apiKey: process.env.IMAGEGATE_KEY, timeout: 1500, maxRetries: 2, defaultHeaders });
  const begun = Date.now();
  const retried = await impatient.images.generate({ prompt: 'A slow retry ' + (defaultHeaders ? 'keyed' : 'bare') });
  check(Date.now() - begun > 1500, 'retry: the first attempt timed out');
  check(retried.data.length === 1 && retried.data[0].b64_json.length > 100, 'retry: the image came back');
  console.log('ok sdk retry after timeout ' + (defaultHeaders ? 'with Idempotency-Key' : 'without a key'));
}
console.log('ALL OK');
