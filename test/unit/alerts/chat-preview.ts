/**
 * Chat messages as a person sees them, for golden files and line counts: a Slack Block Kit message as
 * the lines of text it shows (header, sections, a row of buttons, the context line), and a Chatbot
 * custom notification as its title, description and next steps.
 */
import type { SlackMessage } from '../../../shared/alerts/render-chat.js';

interface Block {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { type: string; text: string | { text: string }; url?: string }[];
}

const elementText = (e: { text: string | { text: string } }) =>
  typeof e.text === 'string' ? e.text : e.text.text;

/** The lines of text a Slack message shows (a code block's lines count one each; buttons one row). */
export function slackPreview(message: SlackMessage): string[] {
  const lines: string[] = [];
  for (const block of message.blocks as unknown as readonly Block[]) {
    if (block.type === 'header') lines.push(`# ${block.text?.text ?? ''}`);
    else if (block.type === 'section') {
      if (block.text) lines.push(...block.text.text.split('\n'));
      for (const field of block.fields ?? []) lines.push(...field.text.split('\n'));
    } else if (block.type === 'actions')
      lines.push((block.elements ?? []).map((e) => `[${elementText(e)}](${e.url ?? ''})`).join(' '));
    else if (block.type === 'context') lines.push((block.elements ?? []).map(elementText).join(' · '));
    else lines.push(`(${block.type})`);
  }
  return lines;
}

interface ChatbotNotification {
  content: { title?: string; description?: string; nextSteps?: string[]; keywords?: string[] };
  metadata?: { summary?: string; relatedResources?: string[] };
}

export function chatbotPreview(notification: Record<string, unknown>): string[] {
  const { content, metadata } = notification as unknown as ChatbotNotification;
  return [
    `# ${content.title ?? ''}`,
    ...(content.description ?? '').split('\n'),
    ...(content.nextSteps ?? []).map((s) => `> ${s}`),
    ...(content.keywords && content.keywords.length > 0 ? [`keywords: ${content.keywords.join(', ')}`] : []),
    ...(metadata?.relatedResources ?? []).map((r) => `resource: ${r}`),
  ];
}
