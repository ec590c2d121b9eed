import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient } from './api/client';
import { pickConnection } from './api/transports';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');
const connection = pickConnection(window);
createRoot(root).render(
  <StrictMode>
    <App api={createClient(connection.transport)} events={connection.events} />
  </StrictMode>,
);
