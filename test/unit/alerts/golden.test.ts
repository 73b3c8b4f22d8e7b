/**
 * Golden files: the email, the Slack message and the Chatbot notification of each alert kind, as people
 * read them (test/golden/alerts/). A rendering that changes without its golden file fails here; after
 * reading the new output and agreeing with it, update them with
 *
 *   npm run golden:update
 *
 * (UPDATE_GOLDEN=1 on this test file) and commit the files with the change, so that the review shows
 * the messages people will receive. A golden file that no case produces any more fails too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChatbotNotification, renderSlackMessage } from '../../../shared/alerts/render-chat.js';
import { ALERT_JSON_MARKER, renderSnsAlert } from '../../../shared/alerts/sns-message.js';
import { ALERT_CASES } from './alert-cases.js';
import { chatbotPreview, slackPreview } from './chat-preview.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../../golden/alerts');
const updating = process.env.UPDATE_GOLDEN === '1';

function rendered(kind: string): Record<string, string> {
  const build = ALERT_CASES[kind];
  if (!build) throw new Error(`no case ${kind}`);
  const document = build();
  const sns = renderSnsAlert(document);
  const text = sns.message.slice(0, sns.message.lastIndexOf(`\n${ALERT_JSON_MARKER}\n`)).trimEnd();
  const slack = renderSlackMessage(sns.document);
  const chatbot = renderChatbotNotification(sns.document);
  return {
    [`${kind}.email.txt`]: `Subject: ${sns.subject}\n\n${text}\n\n${ALERT_JSON_MARKER}\n(the alert JSON)\n`,
    [`${kind}.slack.txt`]: `${slackPreview(slack).join('\n')}\n`,
    [`${kind}.slack.json`]: `${JSON.stringify(slack, null, 2)}\n`,
    [`${kind}.chatbot.txt`]: `${chatbotPreview(chatbot).join('\n')}\n`,
    [`${kind}.chatbot.json`]: `${JSON.stringify(chatbot, null, 2)}\n`,
  };
}

const expected = Object.keys(ALERT_CASES).flatMap((kind) => Object.entries(rendered(kind)));

describe('alert golden files (npm run golden:update after reviewing a change)', () => {
  if (updating) mkdirSync(GOLDEN, { recursive: true });

  it.each(expected.map(([file]) => file))('%s is what the rendering gives', (file) => {
    const content = expected.find(([name]) => name === file)?.[1] ?? '';
    const path = join(GOLDEN, file);
    if (updating) writeFileSync(path, content);
    if (!existsSync(path))
      throw new Error(`${file} has no golden file: run npm run golden:update and review it`);
    expect(content).toBe(readFileSync(path, 'utf8'));
  });

  it('has no golden file that no case produces', () => {
    const produced = new Set(expected.map(([file]) => file));
    const present = existsSync(GOLDEN) ? readdirSync(GOLDEN) : [];
    expect(present.filter((file) => !produced.has(file))).toEqual([]);
  });
});
