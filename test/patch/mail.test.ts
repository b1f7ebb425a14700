import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeEncodedWords, parseSubject } from '../../src/core/patch/mailHeaders';
import { parsePatchDocument } from '../../src/core/patch/parsePatchDocument';
import { lineOf, readFixture } from './helpers/fixtures';

test('mbox with three format-patch mails: separators, folded subject, numbering, author, date', () => {
  const text = readFixture('series.mbox');
  const doc = parsePatchDocument(text);
  assert.equal(doc.kind, 'mbox');
  assert.deepEqual(doc.patches.map((p) => [p.mail?.numbering?.index, p.mail?.numbering?.total, p.mail?.title]), [
    [1, 3, 'datapath-windows: add FlowHit to count packets per flow'],
    [2, 3, 'datapath-windows: refuse a flow put when the table is full'],
    [3, 3, 'datapath: release the vport lock when the port is down'],
  ]);
  const second = doc.patches[1]!;
  assert.equal(second.mail?.subject, '[PATCH 2/3] datapath-windows: refuse a flow put when the table is full');
  assert.equal(second.mail?.from, 'Ada Reviewer <ada@example.org>');
  assert.equal(second.mail?.date, 'Tue, 3 Nov 2026 10:05:00 +0000');
  assert.equal(second.mail?.commit, 'a49e55ef395df97cc87b2ac2833b1c45672bd3de');
  assert.equal(second.mail?.subjectDocLine, lineOf(text, 'Subject: [PATCH 2/3] datapath-windows: refuse a flow put when the table is'));
  assert.equal(second.startDocLine, lineOf(text, 'From a49e55ef395df97cc87b2ac2833b1c45672bd3de Mon Sep 17 00:00:00 2001'));
  assert.equal(doc.patches[0]!.endDocLine, second.startDocLine - 1);
  assert.deepEqual(doc.patches[0]!.files.map((f) => f.newPath), ['Documentation/flows.rst', 'datapath-windows/flow.c']);
  // Document lines survive the split: the + line of patch 2 is where the file has it.
  const plus = second.files[0]!.hunks[0]!.lines.find((l) => l.kind === 'added' && l.text.includes('STATUS_INSUFFICIENT_RESOURCES'))!;
  assert.equal(plus.docLine, lineOf(text, '+        return STATUS_INSUFFICIENT_RESOURCES;'));
});

test('CRLF mail with a quoted-printable body: =3D, soft line breaks, =20, document lines', () => {
  const text = readFixture('crlf-quoted-printable.eml');
  assert.ok(text.includes('\r\n'));
  const doc = parsePatchDocument(text);
  assert.equal(doc.kind, 'mail');
  const p = doc.patches[0]!;
  assert.equal(p.mail?.transferEncoding, 'quoted-printable');
  assert.equal(p.mail?.charset, 'us-ascii');
  assert.deepEqual(p.mail?.numbering, { index: 1, total: 1, tags: [] });
  const lines = p.files[0]!.hunks[0]!.lines;
  assert.deepEqual(lines.map((l) => [l.kind, l.text]), [
    ['context', '        goto out;'],
    ['context', '    }'],
    ['context', '    vport->running = running;'],
    ['added', '    /* Stopped ports keep their queue; vport_flush() drains it once the port runs again. */'],
    ['context', 'out:'],
    ['removed', '    spin_unlock_bh(&vport->lock);'],
    ['added', '    spin_unlock(&vport->lock);'],
    ['context', '    return err;'],
    ['context', '}'],
    ['context', ''],
  ]);
  // The soft-broken line maps to the first of its two encoded lines; later lines keep their own.
  assert.equal(lines[3]!.docLine, lineOf(text, '+    /* Stopped ports keep their queue; vport_flush() drains it once the po='));
  assert.equal(lines[6]!.docLine, lineOf(text, '+    spin_unlock(&vport->lock);'));
});

test('base64 body with UTF-8 text and an RFC 2047 encoded author', () => {
  const text = readFixture('base64.eml');
  const p = parsePatchDocument(text).patches[0]!;
  assert.equal(p.mail?.from, 'José Núñez <jose@example.org>');
  assert.equal(p.mail?.transferEncoding, 'base64');
  const added = p.files[0]!.hunks[0]!.lines.filter((l) => l.kind === 'added');
  assert.deepEqual(added.map((l) => l.text), [
    '    /* Callers probe with stats == NULL — answer “exists?” without copying. */',
    '    if (stats == NULL) {',
    '        return flow != NULL ? STATUS_SUCCESS : STATUS_NOT_FOUND;',
    '    }',
  ]);
  // Each decoded line points at the encoded line holding its first byte: inside the body, in order.
  const bodyStart = lineOf(text, '') + 1;
  for (const l of added) assert.ok(l.docLine >= bodyStart && l.docLine < text.split('\n').length);
  assert.ok(added[0]!.docLine <= added[3]!.docLine);
});

test('subject numbering: versions, tags, list prefixes, Re:, bare [PATCH], none', () => {
  assert.deepEqual(parseSubject('[ovs-dev] [PATCH 11/15] datapath-windows: Add RefCount.h'), {
    title: 'datapath-windows: Add RefCount.h', numbering: { index: 11, total: 15, tags: ['ovs-dev'] },
  });
  assert.deepEqual(parseSubject('[PATCH v3 net-next 2/4] openvswitch: fix'), {
    title: 'openvswitch: fix', numbering: { index: 2, total: 4, version: 3, tags: ['net-next'] },
  });
  assert.deepEqual(parseSubject('Re: [RFC PATCH] x'), { title: 'x', numbering: { index: 1, total: 1, tags: ['RFC'] } });
  assert.deepEqual(parseSubject('plain subject'), { title: 'plain subject' });
});

test('RFC 2047 words: Q and B encodings, adjacent words joined, unknown charset kept', () => {
  assert.equal(decodeEncodedWords('=?UTF-8?q?Jos=C3=A9_N?= =?UTF-8?q?=C3=BA=C3=B1ez?= <j@x>'), 'José Núñez <j@x>');
  assert.equal(decodeEncodedWords('=?utf-8?B?w7xiZXI=?='), 'über');
  assert.equal(decodeEncodedWords('=?x-unknown?q?a?='), '=?x-unknown?q?a?=');
});

test('a single mail without mbox separator, and a multipart mail with the patch attached', () => {
  const single = parsePatchDocument([
    'From: Ada <ada@example.org>', 'Subject: [PATCH] fix', '', 'body', '---',
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b',
  ].join('\n'));
  assert.equal(single.kind, 'mail');
  assert.equal(single.patches[0]!.mail?.title, 'fix');
  const multipart = parsePatchDocument([
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: Ada <ada@example.org>',
    'Subject: [PATCH] attach',
    'Content-Type: multipart/mixed; boundary="------------2.43.0"',
    '',
    'This is a multi-part message in MIME format.',
    '--------------2.43.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Commit message.',
    '--------------2.43.0',
    'Content-Type: text/x-patch; name="0001-attach.patch"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-int a =3D 1;', '+int a =3D 2;',
    '--------------2.43.0--',
  ].join('\n'));
  const hunk = multipart.patches[0]!.files[0]!.hunks[0]!;
  assert.deepEqual(hunk.lines.map((l) => [l.text, l.docLine]), [['int a = 1;', 18], ['int a = 2;', 19]]);
});

test('an mbox cover letter without a diff is kept but holds no files', () => {
  const mk = (sha: string, subject: string, diff: string[]): string[] =>
    [`From ${sha} Mon Sep 17 00:00:00 2001`, 'From: Ada <ada@example.org>', `Subject: ${subject}`, '', 'text', ...diff, ''];
  const doc = parsePatchDocument([
    ...mk('a'.repeat(40), '[PATCH 0/1] cover', []),
    ...mk('b'.repeat(40), '[PATCH 1/1] one', ['diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-a', '+b']),
  ].join('\n'));
  assert.deepEqual(doc.patches.map((p) => [p.mail?.numbering?.index, p.files.length]), [[0, 0], [1, 1]]);
});

test('classic mbox separators (mail archives) split mails too; only a git sha is taken as the commit', () => {
  const doc = parsePatchDocument([
    'From nithin at vmware.com  Sat Aug 16 04:50:11 2014',
    'From: nithin at vmware.com (Nithin Raju)',
    'Subject: [ovs-dev] [PATCH 11/15] datapath-windows: Add RefCount.h',
    '',
    'diff --git a/datapath-windows/RefCount.h b/datapath-windows/RefCount.h',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/datapath-windows/RefCount.h',
    '@@ -0,0 +1 @@',
    '+#pragma once',
    '',
    'From sghinet at cloudbasesolutions.com  Sat Aug 16 05:10:00 2014',
    'From: sghinet at cloudbasesolutions.com (Samuel Ghinet)',
    'Subject: Re: [ovs-dev] [PATCH 11/15] datapath-windows: Add RefCount.h',
    '',
    'Looks good.',
  ].join('\n'));
  assert.equal(doc.kind, 'mbox');
  assert.deepEqual(doc.patches.map((p) => [p.mail?.commit, p.mail?.numbering?.index, p.files.length, p.startDocLine]), [[undefined, 11, 1, 0], [undefined, 11, 0, 11]]);
  assert.equal(doc.patches[0]!.files[0]!.status, 'added');
});

test('raw 8-bit text in a quoted-printable body is kept, astral characters included', () => {
  const doc = parsePatchDocument(['From: a@b', 'Subject: [PATCH] x', 'Content-Transfer-Encoding: quoted-printable', '',
    '--- a/a.c', '+++ b/a.c', '@@ -1 +1 @@', '-/* caf=C3=A9 */', '+/* café 🔒 =3D */'].join('\n'));
  assert.deepEqual(doc.patches[0]!.files[0]!.hunks[0]!.lines.map((l) => l.text), ['/* café */', '/* café 🔒 = */']);
});
