// Live parts of the IOC Sync page. The page works without this script as plain forms.
'use strict';
