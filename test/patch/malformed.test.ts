import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { PatchParseError } from '../../src/core/patch/types';
import { readFixture } from './helpers/fixtures';

/** Parses and returns the error, failing the test if there is none or it is not a PatchParseError. */
function errorOf(text: string): PatchParseError {
  try {
    parsePatchDocument(text);
  } catch (e) {
    if (e instanceof PatchParseError) return e;
    throw e;
  }
  assert.fail('expected a PatchParseError');
}

test('truncated hunk: names the last line and what is missing', () => {
  const e = errorOf(readFixture('truncated.patch'));
  assert.equal(e.message, 'line 10: the patch ends inside hunk @@ -88,15 +88,13 @@ (line 5): 10 old and 10 new lines are missing (truncated patch?)');
  assert.equal(e.line, 9);
});

test('bad header counts: too many lines for the header', () => {
  const e = errorOf(readFixture('bad-counts.patch'));
  assert.equal(e.message, 'line 21: hunk @@ -88,15 +88,12 @@ (line 5) has more new lines than its header counts (12)');
});

test('bad header counts: too few lines, next hunk header arrives early', () => {
  const e = errorOf(['--- a/a.c', '+++ b/a.c', '@@ -1,3 +1,3 @@', ' a', '-b', '+c', '@@ -9 +9 @@', '-x', '+y'].join('\n'));
  assert.equal(e.message, `line 7: hunk @@ -1,3 +1,3 @@ (line 3) still expects 1 old and 1 new lines, but this line is "@@ -9 +9 @@" (no ' ', '-' or '+' prefix)`);
});

test('a + line after a hunk whose counts are already used up', () => {
  const e = errorOf(['--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-b', '+c', '+d'].join('\n'));
  assert.equal(e.message, 'line 6: "+d" follows the hunk @@ -1 +1 @@ (line 3) after all the lines its header counts: the @@ counts are wrong or the hunk was edited by hand');
});

test('malformed hunk header', () => {
  const e = errorOf(['--- a/a.c', '+++ b/a.c', '@@ -1,x +1 @@', '-b', '+c'].join('\n'));
  assert.equal(e.message, `line 3: malformed hunk header "@@ -1,x +1 @@" (expected '@@ -start,count +start,count @@')`);
});

test('hunk header without a file header', () => {
  const e = errorOf(['@@ -1 +1 @@', '-b', '+c'].join('\n'));
  assert.equal(e.message, `line 1: hunk header "@@ -1 +1 @@" is not under a file header ('diff --git' or '---'/'+++')`);
});

test('garbage: prose without a diff', () => {
  const e = errorOf(readFixture('garbage.txt'));
  assert.equal(e.message, `line 1: no diff found (expected a 'diff --git' line, a '---'/'+++' file header pair or a format-patch mail)`);
});

test('empty input and binary-looking noise', () => {
  assert.equal(errorOf('').message, 'line 1: the input is empty');
  assert.equal(errorOf('\n\n  \n').message, 'line 1: the input is empty');
  assert.equal(errorOf('\u0001\u0002\u0003 noise\n').message.startsWith('line 1: no diff found'), true);
});

test('a mail without a diff, and an mbox of mails without diffs', () => {
  assert.equal(errorOf('From: a@b\nSubject: hello\n\njust text\n').message, 'line 1: no diff found in the mail');
  const mbox = ['From x@y Mon Sep 17 00:00:00 2001', 'Subject: a', '', 'text', '', 'From x@y Mon Sep 17 00:00:00 2001', 'Subject: b', '', 'text'].join('\n');
  assert.equal(errorOf(mbox).message, 'line 1: no diff found in the 2 mails');
});

test('invalid base64 body and unknown charset name their lines', () => {
  const b64 = ['From: a@b', 'Subject: [PATCH] x', 'Content-Transfer-Encoding: base64', '', 'ZGlmZg==', 'not base64!'].join('\n');
  assert.equal(errorOf(b64).message, 'line 6: invalid base64 in a body declared Content-Transfer-Encoding: base64');
  const cs = ['From: a@b', 'Subject: [PATCH] x', 'Content-Type: text/plain; charset=klingon-8', 'Content-Transfer-Encoding: quoted-printable', '', 'x'].join('\n');
  assert.equal(errorOf(cs).message, 'line 3: unknown charset "klingon-8" in Content-Type');
  const cte = ['From: a@b', 'Subject: [PATCH] x', 'Content-Transfer-Encoding: x-uuencode', '', 'x'].join('\n');
  assert.equal(errorOf(cte).message, 'line 3: unsupported Content-Transfer-Encoding "x-uuencode"');
});

test('a giant garbage line is quoted short in the message', () => {
  const e = errorOf(['--- a/a.c', '+++ b/a.c', '@@ -1,2 +1,2 @@', ' a', 'x'.repeat(1_000_000)].join('\n'));
  assert.ok(e.message.length < 300, `message is ${e.message.length} characters`);
  assert.equal(e.line, 4);
});
