// Labels and formatting shared by the pages.

export const STATUS_LABELS = {
  to_be_allocated: 'To be allocated',
  unprocessed: 'Unprocessed',
  processing: 'Processing',
  processed: 'Processed',
  allocation_failed: 'Allocation failed',
};

export const CHANNEL_LABELS = {
  voice: 'Voice', web: 'WEB', wechat: 'WeChat', x: 'X', email: 'Email', whatsapp: 'WhatsApp',
  facebook: 'Facebook', line: 'LINE',
};

export function channelLabel(kind) {
  return CHANNEL_LABELS[kind] || kind;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  hour12: false,
});

export function formatTime(ms) {
  return ms ? dateTime.format(new Date(ms)) : '';
}

// 75 s -> "1:15", 3725 s -> "1:02:05".
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? h + ':' : ''}${mm}:${String(s).padStart(2, '0')}`;
}

// A small element builder: el('td', {class: 'x', text: 'y'}, child...).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}
